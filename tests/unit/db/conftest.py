"""Release records built from real BEA figures (GDP Q2 2026: advance, second estimate)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from db.records import FigureRecord, ReleaseRecord
from db.store import Fetched
from tests.support.backends import BACKENDS

EDT = timezone(timedelta(hours=-4))
ADVANCE_URL = "https://www.bea.gov/news/2026/gdp-advance-estimate-2nd-quarter-2026"
SECOND_URL = (
    "https://www.bea.gov/news/2026/gdp-second-estimate-and-corporate-profits-2nd-quarter-2026"
)


def gdp_record(url: str, estimate: str, value: float, released: datetime,
               prior: float = 2.1) -> ReleaseRecord:
    return ReleaseRecord(
        url=url,
        title=f"GDP ({estimate.title()} Estimate), 2nd Quarter 2026",
        released_at=released,
        release_number="BEA 26-35",
        lead="Real gross domestic product (GDP) increased at an annual rate of ...",
        figures=(
            FigureRecord("real_gdp", "Real GDP", "2026Q2", estimate, value, "percent_saar",
                         prior, "2026Q1"),
            FigureRecord("pce_price_index", "PCE price index", "2026Q2", estimate, 5.1,
                         "percent_saar"),
        ),
        series="GDP",
    )


@pytest.fixture
def advance() -> tuple[Fetched, ReleaseRecord]:
    released = datetime(2026, 7, 30, 8, 30, tzinfo=EDT)
    return (
        Fetched(ADVANCE_URL, b"<html>advance page</html>", released + timedelta(seconds=5)),
        gdp_record(ADVANCE_URL, "advance", 1.5, released),
    )


@pytest.fixture
def second() -> tuple[Fetched, ReleaseRecord]:
    """The second estimate as BEA published it said 1.5; tests change it to test revisions."""
    released = datetime(2026, 8, 26, 8, 30, tzinfo=EDT)
    return (
        Fetched(SECOND_URL, b"<html>second page</html>", released + timedelta(seconds=5)),
        gdp_record(SECOND_URL, "second", 1.5, released),
    )


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Every database test runs on SQLite and on a real PostgreSQL server."""
    return request.param
