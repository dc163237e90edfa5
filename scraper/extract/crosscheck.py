"""Cross-checks: the page's figures against another source's for the same release.

BEA states a headline in several places: the release page, the feed item's ``<data>``
element and description, the home page's "Principal Federal Economic Indicators" block.
Where two sources give the same (indicator, period, unit), their values must agree; a
disagreement is stated in words (it goes into the record's problems, so the alert says it)
and the caller raises one source_problem event. Pure: figures in, sentences out.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from db.records import (
    CHECK_AGREE,
    CHECK_DISAGREE,
    CHECK_NOT_AVAILABLE,
    CheckRecord,
    FigureRecord,
)

logger = logging.getLogger(__name__)

TOLERANCE = 1e-6  # both sources print BEA's rounded value: any difference is a disagreement


@dataclass(frozen=True)
class Check:
    """The outcome of comparing the page with one other source."""

    source: str
    agreed: tuple[str, ...] = ()  # "real_gdp 2026Q2"
    disagreements: tuple[str, ...] = ()
    # "Real GDP 2026Q2: the feed says 1.4, the page says 1.5" (for the alert)
    said: tuple[str, ...] = ()

    def problems(self) -> tuple[str, ...]:
        return self.disagreements

    def record(self, key: str, unavailable: str = "") -> CheckRecord:
        """The outcome as stored with the page vintage: a disagreement wins over any
        agreement; nothing compared is "not available" (``unavailable`` says why)."""
        if self.disagreements:
            return CheckRecord(key, CHECK_DISAGREE, "; ".join(self.said))
        if self.agreed:
            return CheckRecord(key, CHECK_AGREE, ", ".join(self.agreed))
        return CheckRecord(key, CHECK_NOT_AVAILABLE,
                           unavailable or f"{self.source} states none of the page's figures")


def _key(fig: FigureRecord) -> tuple[str, str, str]:
    return fig.indicator, fig.period, fig.unit


def cross_check(page: tuple[FigureRecord, ...], other: tuple[FigureRecord, ...],
                source: str, short: str = "the other source") -> Check:
    """Compare the figures both give; a disagreement reads "the feed's <data> gives
    real_gdp 2026Q2 = 1.4 (percent_saar), the release page 1.5" (a problem) and "Real GDP
    2026Q2: the feed says 1.4, the page says 1.5" (``short`` names the source there)."""
    theirs = {_key(f): f for f in other}
    agreed, disagreements, said = [], [], []
    for fig in page:
        twin = theirs.get(_key(fig))
        if twin is None:
            continue
        name = f"{fig.indicator} {fig.period}"
        if abs(twin.value - fig.value) <= TOLERANCE:
            agreed.append(name)
        else:
            disagreements.append(
                f"sources disagree: {source} gives {name} = {twin.value:g} ({fig.unit}), "
                f"the release page {fig.value:g}")
            said.append(f"{fig.label} {fig.period}: {short} says {twin.value:g}, "
                        f"the page says {fig.value:g}")
    if disagreements:
        logger.warning("%s disagrees with the release page: %s", source,
                       "; ".join(disagreements))
    return Check(source, tuple(agreed), tuple(disagreements), tuple(said))
