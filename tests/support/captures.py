"""Saved BEA captures (tests/fixtures/bea/) and the expected-figures table the extraction
tests are driven by (tests/fixtures/expected_figures.yaml)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from db.records import FigureRecord
from tests.support.paths import BEA_CAPTURES as FIXTURES
from tests.support.paths import FIXTURES as ALL_FIXTURES

EXPECTED = ALL_FIXTURES / "expected_figures.yaml"


def fixture_bytes(name: str) -> bytes:
    """The bytes of a saved capture in tests/fixtures/bea/."""
    return (FIXTURES / name).read_bytes()


def expected(section: str) -> Any:
    """One section of expected_figures.yaml (the table the figure tests are driven by)."""
    with EXPECTED.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)[section]


def find_figure(figures: tuple[FigureRecord, ...], indicator: str, unit: str) -> FigureRecord:
    """The one figure with ``indicator`` and ``unit`` (fails the test if absent)."""
    matches = [f for f in figures if f.indicator == indicator and f.unit == unit]
    assert len(matches) == 1, f"{indicator}/{unit}: {len(matches)} figures in {figures}"
    return matches[0]


def assert_figure(figures: tuple[FigureRecord, ...], case: dict[str, Any]) -> None:
    """Check every key given in ``case`` against the matching figure."""
    figure = find_figure(figures, case["indicator"], case["unit"])
    for key, want in case.items():
        got = getattr(figure, key)
        if isinstance(want, float) and got is not None:
            assert got == pytest.approx(want), f"{case['indicator']}.{key}"
        else:
            assert got == want, f"{case['indicator']}.{key}: {got!r} != {want!r}"


def ids(cases: list[dict[str, Any]]) -> list[str]:
    return [f"{c['indicator']}-{c['unit']}" for c in cases]
