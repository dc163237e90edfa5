"""Direct investment by country and industry, activities of multinational enterprises (MNEs),
and new foreign direct investment in the United States (all annual).

Positions are levels at the end of the year ("increased $206.3 billion, or 3.1 percent, to
$6.83 trillion at the end of 2024 from $6.62 trillion at the end of 2023"): the level is the
figure, the year before its prior, the change and percent change their own keys.
"""

from __future__ import annotations

import logging
import re

from scraper.extract.base import Family, FamilyResult, make
from scraper.extract.numbers import DOLLARS, NUM, clean_text, dollar_match_value, to_float
from scraper.extract.page import ReleasePage

logger = logging.getLogger(__name__)

_D = DOLLARS.replace("?P<sign>", "?:").replace("?P<num>", "?:").replace("?P<scale>", "?:")
_POSITION = (
    rf"\s+(?P<verb>increased|decreased)\s+(?P<chg>{_D})(?:,\s+or\s+(?P<pct>{NUM})\s+percent,)?"
    rf"\s+to\s+(?P<lvl>{_D})\s+at the end of (?P<y>\d{{4}})\s+from\s+(?P<prev>{_D})"
    rf"(?:\s+at the end of (?P<y0>\d{{4}}))?"
)
_POSITIONS = (
    ("direct_investment_abroad_position",
     r"direct investment abroad position(?:, or cumulative level of investment,)?"
     r"|outward direct investment position"),
    ("fdi_us_position", r"foreign direct investment in the United States(?: \(FDIUS\))? "
                        r"position|inward direct investment position"),
)
_NEW_FDI_RE = re.compile(
    rf"expand U\.S\. businesses totaled (?P<lvl>{_D}) in (?P<y>\d{{4}})"
    rf"(?:,\s+(?P<dir>down|up)\s+(?:(?P<chg>{_D}),\s+or\s+)?(?P<pct>{NUM})\s+percent,?\s+"
    rf"from\s+(?P<prev>{_D})(?:\s+\(revised\))?\s+in\s+(?P<y0>\d{{4}}))?", re.I)
_NEW_FDI_LATER_RE = re.compile(
    rf"Expenditures (?P<verb>increased|decreased) (?P<chg>{_D}), or (?P<pct>{NUM}) percent, "
    rf"from (?P<prev>{_D})(?: \(revised\))? in (?P<y0>\d{{4}})", re.I)
_MNE_EMPLOYMENT_RE = re.compile(
    rf"Worldwide employment by U\.S\. multinational enterprises(?: \(MNEs\))? (?P<verb>increased|"
    rf"decreased) (?P<pct>{NUM}) percent to (?P<lvl>{NUM}) million workers in (?P<y>\d{{4}})"
    rf"(?: \(preliminary\))? from (?P<prev>{NUM}) million(?: workers)? in (?P<y0>\d{{4}})", re.I)
_MNE_VALUE_RE = re.compile(
    rf"Worldwide current-dollar value added of U\.S\. MNEs (?P<verb>increased|decreased) "
    rf"(?P<pct>{NUM}) percent to (?P<lvl>{_D})", re.I)


def _usd(text: str | None, unit: str) -> float | None:
    m = re.search(DOLLARS, text or "", re.I)
    return dollar_match_value(m, unit) if m else None


def _sign(word: str | None) -> float:
    return -1.0 if word and word.lower() in ("decreased", "down") else 1.0


def _positions(text: str, year: str | None, result: FamilyResult) -> None:
    for key, anchor in _POSITIONS:
        m = re.search(f"(?:{anchor}){_POSITION}", text, re.I)
        if not m or (year and m["y"] != year):
            continue
        sign = _sign(m["verb"])
        result.add(make(key, None, m["y"], None, _usd(m["lvl"], "usd_trillions"),
                        "usd_trillions", _usd(m["prev"], "usd_trillions"),
                        m["y0"] or str(int(m["y"]) - 1)))
        change = _usd(m["chg"], "usd_billions")
        result.add(make(f"{key}_change", None, m["y"], None,
                        None if change is None else sign * abs(change), "usd_billions"))
        if m["pct"]:
            result.add(make(f"{key}_change_pct", None, m["y"], None, sign * to_float(m["pct"]),
                            "percent"))


def _new_fdi(text: str, result: FamilyResult) -> None:
    m = _NEW_FDI_RE.search(text)
    if not m:
        return
    later = _NEW_FDI_LATER_RE.search(text[m.end():])
    prev, y0 = (m["prev"], m["y0"]) if m["prev"] else (
        (later["prev"], later["y0"]) if later else (None, None))
    result.add(make("new_fdi_expenditures", None, m["y"], None, _usd(m["lvl"], "usd_billions"),
                    "usd_billions", _usd(prev, "usd_billions"), y0))
    sign = _sign(m["dir"] or (later["verb"] if later else None))
    chg = m["chg"] or (later["chg"] if later else None)
    pct = m["pct"] or (later["pct"] if later else None)
    if chg:
        result.add(make("new_fdi_expenditures_change", None, m["y"], None,
                        sign * abs(_usd(chg, "usd_billions") or 0.0), "usd_billions"))
    if pct:
        result.add(make("new_fdi_expenditures_change_pct", None, m["y"], None,
                        sign * to_float(pct), "percent"))


def _mne(text: str, result: FamilyResult) -> None:
    m = _MNE_EMPLOYMENT_RE.search(text)
    if not m:
        return
    sign = _sign(m["verb"])
    result.add(make("mne_worldwide_employment", None, m["y"], None, to_float(m["lvl"]),
                    "millions", to_float(m["prev"]), m["y0"]))
    result.add(make("mne_worldwide_employment_change_pct", None, m["y"], None,
                    sign * to_float(m["pct"]), "percent"))
    v = _MNE_VALUE_RE.search(text)
    if v:
        result.add(make("mne_worldwide_value_added", None, m["y"], None,
                        _usd(v["lvl"], "usd_trillions"), "usd_trillions"))
        result.add(make("mne_worldwide_value_added_change_pct", None, m["y"], None,
                        _sign(v["verb"]) * to_float(v["pct"]), "percent"))


def extract(page: ReleasePage, title: str) -> FamilyResult:
    """Positions, new FDI expenditures or MNE employment, as the release states them."""
    text = clean_text(page.text())
    lowered = title.lower()
    years = re.findall(r"\b(?:19|20)\d{2}\b", title)
    if "new foreign direct investment" in lowered:
        expected: tuple[str, ...] = ("new_fdi_expenditures",)
    elif "multinational" in lowered:
        expected = ("mne_worldwide_employment",)
    else:
        expected = ("direct_investment_abroad_position", "fdi_us_position")
    result = FamilyResult(expected=expected)
    _positions(text, years[-1] if years else None, result)
    _new_fdi(text, result)
    _mne(text, result)
    return result


FAMILY = Family(
    name="direct_investment",
    title=re.compile(r"direct investment|multinational enterprises", re.I),
    url=re.compile(r"direct-investment|multinational-enterprises"),
    extract=extract,
)
