"""Sentences of the regional releases: ranges across states or counties, counts, U.S. totals.

BEA writes "Real GDP increased in 39 states ..., with the percent change ranging from 5.0
percent at an annual rate in Idaho to -4.2 percent in South Dakota", sometimes low to high
("ranging from -29.9 percent in West Virginia to -0.6 percent in Georgia"), sometimes in
words ("from a 6.5 percent increase in Kansas to a 46.3 percent decline in Baca County,
CO"). The highest and lowest are chosen by value, never by position; the place goes into
the figure's label. A sentence that names no measure takes the one of the sentence before
("... increased in all 50 states. State-level changes ranged from ...").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from db import indicators
from scraper.extract.base import FamilyResult, make
from scraper.extract.numbers import NUM, clean_text, to_float
from scraper.extract.periods import period_from_text, previous_period

logger = logging.getLogger(__name__)

_END = r"(?=\s*\(|,\s*according|,\s*with\b|,\s*as\b|\.\s|\.?$|\s+and remaining\b|;)"
_VALUE = rf"(?:an?\s+)?(?P<v{{i}}>{NUM})\s?percent(?:\s+at an annual rate)?" \
         rf"(?:\s+(?P<w{{i}}>increase|decline|decrease))?"
_RANGE_RE = re.compile(
    r"rang(?:ed|ing)\s+from\s+" + _VALUE.format(i=1) + r"\s+in\s+(?P<p1>.+?),?\s+to\s+"
    + _VALUE.format(i=2) + r"\s+in\s+(?P<p2>.+?)" + _END
    + r"(?:\s+and remaining unchanged in\s+(?P<p3>.+?)" + _END + ")?",
    re.I,
)
_COUNT_RE = re.compile(
    r"\b(?P<verb>increased|decreased|was unchanged|were unchanged)\s+in\s+(?:all\s+|every\s+)?"
    r"(?P<n>\d[\d,]*|every state)", re.I)
_SENTENCE_RE = re.compile(r"(?<=[.])\s+(?=[A-Z])|\n+")
_DATE_RE = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|"
                      r"October|November|December)\s+\d{1,2},\s+\d{4}")
_PRIOR_RE = re.compile(
    rf"(?:after|from)\s+(?:the\s+)?(?:(?P<verb>increasing|decreasing|an increase of|a decrease "
    rf"of)\s+)?(?P<num>{NUM})\s?percent(?:\s+(?P<word>increases?|decreases?))?", re.I)
_CHANGE_RE = re.compile(
    rf"\b(?P<verb>increased|decreased|grew|rose|fell|declined)(?:\s+at an annual rate of|\s+by)?"
    rf"\s+(?P<num>{NUM})\s?percent", re.I)


@dataclass(frozen=True)
class Subject:
    """A measure a regional release talks about: its key prefix and how a sentence names it."""

    prefix: str
    pattern: re.Pattern[str]


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_RE.split(clean_text_keep_lines(text)) if s.strip()]


def clean_text_keep_lines(text: str) -> str:
    """clean_text per paragraph, so blank lines still separate paragraphs (a blank line
    before a lower-case word is a text-extraction artefact inside a sentence: joined)."""
    return "\n".join(clean_text(p) for p in re.split(r"\n\s*\n(?![a-z])", text))


def signed(num: str, word: str | None) -> float:
    value = to_float(num)
    return -abs(value) if word and word.lower() in ("decline", "decrease") else value


def _place(text: str | None) -> str:
    return re.sub(r"^the\s+", "", (text or "").strip(" ,"), flags=re.I)


def find_range(sentence: str) -> tuple[tuple[float, str], tuple[float, str]] | None:
    """((highest, place), (lowest, place)) of a 'ranged from ... to ...' sentence."""
    m = _RANGE_RE.search(sentence)
    if not m:
        return None
    ends = [(signed(m["v1"], m["w1"]), _place(m["p1"])), (signed(m["v2"], m["w2"]),
                                                         _place(m["p2"]))]
    if m["p3"]:  # "... to 0.6 percent in Vermont and remaining unchanged in Idaho"
        ends.append((0.0, _place(m["p3"])))
    ends.sort(key=lambda e: e[0])
    return ends[-1], ends[0]


def counts(sentence: str) -> dict[str, int]:
    """{'increased': 39, 'decreased': 11, 'unchanged': 3} from '... increased in 39 states'."""
    found: dict[str, int] = {}
    for m in _COUNT_RE.finditer(sentence):
        verb = m["verb"].split()[-1].lower()
        n = 50 if m["n"].lower() == "every state" else int(m["n"].replace(",", ""))
        found.setdefault(verb, n)
    return found


def change_with_prior(text: str) -> tuple[float, float | None, str | None] | None:
    """'increased 59.7 percent ... after decreasing 3.9 percent in the fourth quarter of 2020'
    -> (59.7, -3.9, '2020Q4'); the prior period is None when the text does not name it."""
    m = _CHANGE_RE.search(text)
    if not m:
        return None
    value = to_float(m["num"]) * (-1 if m["verb"].lower() in ("decreased", "fell",
                                                              "declined") else 1)
    rest = text[m.end():]
    p = _PRIOR_RE.search(rest)
    if not p:
        return value, None, None
    words = f"{p['verb'] or ''} {p['word'] or ''}".lower()
    prior = to_float(p["num"]) * (-1 if "decreas" in words else 1)
    return value, prior, period_from_text(rest[p.end():p.end() + 60])


@dataclass
class Reader:
    """Reads the sentences of one regional release into ``result``."""

    result: FamilyResult
    headline: str | None
    allowed: frozenset[str]
    last: str | None = None

    def period(self, sentence: str) -> str | None:
        """The period a sentence names (if the title names it too), else the one the
        sentence before named, else the title's headline period."""
        found = period_from_text(_DATE_RE.sub("", sentence))
        if found in self.allowed:
            self.last = found
            return found
        return self.last or self.headline

    @staticmethod
    def unit(period: str, key: str) -> str:
        units = indicators.get(key).units
        if "Q" in period and "percent_saar" in units:
            return "percent_saar"
        return "percent" if "percent" in units else units[0]

    def add(self, key: str, period: str | None, value: float | None, place: str | None = None,
            prior: float | None = None, prior_period: str | None = None) -> None:
        if indicators.resolve(key) is None or period is None:
            return
        unit = "count" if key.endswith("_count") else self.unit(period, key)
        label = f"{indicators.label(key)}: {place}" if place else None
        self.result.add(make(key, label, period, None, value, unit, prior,
                             prior_period or previous_period(period)))

    def ranges_and_counts(self, text: str, subjects: Iterable[Subject]) -> None:
        """Every range and count sentence, each under the measure it (or the one before) names."""
        subjects = tuple(subjects)
        current: Subject | None = None
        for sentence in sentences(text):
            current = next((s for s in subjects if s.pattern.search(sentence)), current)
            if current is None:
                continue
            period = self.period(sentence)
            rng = find_range(sentence)
            if rng:
                (high, high_at), (low, low_at) = rng
                self.add(f"{current.prefix}_high", period, high, high_at)
                self.add(f"{current.prefix}_low", period, low, low_at)
            for verb, n in counts(sentence.split("ranging from")[0]).items():
                self.add(f"{current.prefix}_{verb}_count", period, n)

    def total(self, key: str, text: str, anchor: str) -> None:
        """A U.S. total stated after ``anchor``, with the prior period BEA compares it to."""
        for sentence in sentences(text):
            m = re.search(anchor, sentence, re.I)
            if not m:
                continue
            found = change_with_prior(sentence[m.end():])
            if found:
                value, prior, prior_period = found
                period = self.period(sentence)
                self.add(key, period, value, prior=prior,
                         prior_period=prior_period if prior is not None else None)
                return
