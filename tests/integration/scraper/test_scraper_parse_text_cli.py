"""``bea-tracker parse --text FILE --title TITLE``: plain release text (e.g. a BEA e-mail
body) through the family extractors, for every record of the real-text corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from scraper.extract import NO_EXTRACTOR, extract_text
from tests.support.cli import run_cli
from tests.support.paths import BEA_CAPTURES

CORPUS = BEA_CAPTURES / "corpus"
RECORDS = [r for name in ("national.yaml", "regional.yaml")
           for r in yaml.safe_load((CORPUS / name).read_text(encoding="utf-8"))]
TWO_MONTHS = next(r for r in RECORDS if r["id"] == "pio-2025-10-11")


def run(*args: str, stdin: str | None = None) -> Any:
    return run_cli("parse", *args, input=stdin)


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "release.txt"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_two_month_release_each_figure_under_its_month(tmp_path):
    result = run("--text", write(tmp_path, TWO_MONTHS["text"]), "--title", TWO_MONTHS["title"],
                 "--json")
    assert result.exit_code == 0, result.output
    shape = json.loads(result.stdout)
    assert shape["kind"] == "release"
    # the stored text is the lead only: the price paragraphs are further down the release
    assert shape["extraction"] == "partial"
    assert shape["problems"] == ["headline figures not found: pce_price_index"]
    income = {f["period"]: f for f in shape["figures"] if f["indicator"] == "personal_income"}
    assert (income["2025-10"]["value"], income["2025-11"]["value"]) == (0.1, 0.3)
    assert income["2025-11"]["prior_value"] == 0.1
    assert income["2025-11"]["prior_period"] == "2025-10"
    assert shape["figures"][0]["period"] == "2025-11"  # the latest month is the headline


def test_human_output_and_stdin(tmp_path):
    result = run("--text", "-", "--title", TWO_MONTHS["title"], stdin=TWO_MONTHS["text"])
    assert result.exit_code == 0, result.output
    assert "personal_income" in result.stdout and "2025-11" in result.stdout


def test_unknown_family_is_partial_and_says_so(tmp_path):
    result = run("--text", write(tmp_path, TWO_MONTHS["text"]), "--title",
                 "A Release Nobody Knows, November 2025", "--json")
    shape = json.loads(result.stdout)
    assert (shape["extraction"], shape["figures"]) == ("partial", [])
    assert NO_EXTRACTOR in shape["problems"]


@pytest.mark.parametrize("args", [("--text",), ("--title", "GDP, 2nd Quarter 2026")])
def test_text_and_title_go_together(tmp_path, args):
    result = run(write(tmp_path, "Real GDP increased 1.5 percent."), *args)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "--title" in result.stderr


@pytest.mark.parametrize("record", RECORDS, ids=[r["id"] for r in RECORDS])
def test_every_corpus_text_through_the_cli(tmp_path, record):
    """The CLI prints what the extractors (checked figure by figure in the corpus test) give."""
    result = run("--text", write(tmp_path, record["text"]), "--title", record["title"],
                 "--json")
    assert result.exit_code == 0, result.output
    want = extract_text(record["title"], record["text"]).to_json()["figures"]
    assert json.loads(result.stdout)["figures"] == want
    gaps = set(record.get("gaps", {}))
    assert want or gaps >= {f["indicator"] for f in record["figures"]}, "figures expected"
