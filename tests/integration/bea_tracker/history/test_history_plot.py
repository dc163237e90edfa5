"""``bea-tracker plot``: a PNG of the asked size with a real chart in it, the terminal
variant, and the errors a user meets (bad key, no data, no matplotlib)."""

from __future__ import annotations

import struct
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bea_tracker.demo.localbea import data

SECOND_URL = "https://www.bea.gov/news/2026/gdp-second-estimate-2nd-quarter-2026"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk (the first chunk, by the standard)."""
    head = path.read_bytes()[:24]
    assert head[:8] == PNG_SIGNATURE and head[12:16] == b"IHDR"
    return struct.unpack(">II", head[16:24])


@pytest.fixture
def gdp_history(real_pages, store_page, synthetic_second_estimate) -> None:
    """The real GDP advance page, and a synthetic second estimate (real GDP 1.3)."""
    real_pages(data.GDP_ADVANCE_PATH)
    store_page(SECOND_URL, synthetic_second_estimate("1.3"),
               datetime(2026, 8, 26, 12, 31, tzinfo=timezone.utc) + timedelta(seconds=5))


@pytest.mark.parametrize("size", [None, "800x450"])
def test_png_has_the_asked_size_and_a_chart_in_it(cli, gdp_history, tmp_path, size):
    out = tmp_path / "charts" / "real_gdp.png"
    args = ["plot", "real_gdp", "--out", str(out)] + (["--size", size] if size else [])

    result = cli(*args)

    assert result.exit_code == 0, result.output
    assert png_size(out) == ((1200, 675) if size is None else (800, 450))
    from matplotlib.image import imread

    pixels = imread(out)[..., :3]
    ink = (pixels < 0.9).any(axis=-1).mean()  # share of pixels that are not near-white
    colours = {tuple(p) for p in (pixels.reshape(-1, 3) * 255).astype(int)[::7].tolist()}
    assert 0.01 < ink < 0.5
    assert len(colours) > 20  # text, axes, line and coloured markers, anti-aliased
    assert "3 points" in result.stderr  # advance and second for Q2, Q1 restated


def test_vintages_adds_the_superseded_vintage_of_a_corrected_page(cli, gdp_history, store_page,
                                                                  tmp_path):
    corrected = data.load(data.GDP_ADVANCE_FILE).replace(
        b"annual rate of 1.5 percent", b"annual rate of 1.7 percent")
    store_page(data.BEA_BASE_URL + data.GDP_ADVANCE_PATH, corrected,
               datetime(2026, 7, 31, 12, 0, tzinfo=timezone.utc))
    out = tmp_path / "gdp.png"

    current = cli("plot", "real_gdp", "--out", str(out))
    every = cli("plot", "real_gdp", "--out", str(out), "--vintages")

    assert current.exit_code == 0 and every.exit_code == 0, every.output
    assert "3 points" in current.stderr  # Q1 restated, Q2 advance (corrected 1.7), Q2 second
    assert "4 points" in every.stderr  # ... and the advance page's first vintage (1.5)


def test_terminal_chart(cli, gdp_history):
    result = cli("plot", "real_gdp", "--terminal")

    assert result.exit_code == 0, result.output
    assert "Real GDP (real_gdp)" in result.stdout
    assert "Source: U.S. Bureau of Economic Analysis, via bea-tracker" in result.stdout
    assert "2026Q2" in result.stdout and "\x1b[" not in result.stdout  # no colours in a pipe


def test_bad_key_exits_2_naming_the_closest_keys(cli, gdp_history, tmp_path):
    result = cli("plot", "real_gpd", "--out", str(tmp_path / "x.png"))

    assert result.exit_code == 2
    assert "unknown indicator 'real_gpd'" in result.stderr
    assert "did you mean real_gdp" in result.stderr  # the closest keys, not all 100+
    assert not (tmp_path / "x.png").exists()


def test_no_data_is_a_clear_message(cli, gdp_history, tmp_path):
    nothing_yet = cli("plot", "trade_balance", "--out", str(tmp_path / "t.png"))
    too_recent = cli("plot", "real_gdp", "--since", "2030", "--out", str(tmp_path / "r.png"))

    assert nothing_yet.exit_code == 1
    assert "no figures stored for trade_balance" in nothing_yet.stderr
    assert "bea-tracker backfill" in nothing_yet.stderr
    assert too_recent.exit_code == 1
    assert "no figures stored for real_gdp for periods from 2030-01-01" in too_recent.stderr


def test_since_keeps_later_periods(cli, gdp_history, tmp_path):
    result = cli("plot", "real_gdp", "--since", "2026-04", "--out", str(tmp_path / "q2.png"))

    assert result.exit_code == 0, result.output
    assert "2 points" in result.stderr  # Q1 left out


def test_without_matplotlib_says_how_to_install(cli, gdp_history, tmp_path, monkeypatch):
    for name in ("matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg"):
        monkeypatch.setitem(sys.modules, name, None)

    result = cli("plot", "real_gdp", "--out", str(tmp_path / "x.png"))

    assert result.exit_code == 1
    assert "pip install 'bea-tracker[plot]'" in result.stderr


@pytest.mark.parametrize("args, message", [
    ((), "give --out FILE.png, or --terminal"),
    (("--terminal", "--size", "12x"), "--size: expected WIDTHxHEIGHT"),
    (("--terminal", "--since", "July"), "--since: expected a date"),
])
def test_usage_errors_exit_2(cli, args, message):
    result = cli("plot", "real_gdp", *args)

    assert result.exit_code == 2
    assert message in result.stderr
