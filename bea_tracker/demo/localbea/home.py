"""The local BEA's home page: BEA's "Principal Federal Economic Indicators" block.

Built from ``data.HOME_FILE`` (synthesized HTML around the real 2024-02-07 text of the
block). A published release that names a block entry (``SyntheticRelease.home``, e.g.
``HomeEntry("Gross Domestic Product", "Q2 2026 (Adv)", "+1.5%")``) replaces that entry's
period, value and link once its page is live, as BEA updates its home page on release day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

_ENTRY = re.compile(
    r'<li class="indicator"><a href="(?P<href>[^"]*)">View</a> '
    r'<span class="indicator-name">(?P<name>[^<]*)</span> '
    r'<span class="indicator-period">(?P<period>[^<]*)</span> '
    r'<span class="indicator-value">(?P<value>[^<]*)</span></li>')


@dataclass(frozen=True)
class HomeEntry:
    """One line of the block as BEA writes it: name, "Q2 2026 (Adv)", "+1.5%"."""

    name: str
    period: str
    value: str


def render_home(template: str, entries: list[tuple[HomeEntry, str]]) -> str:
    """``template`` with each ``(entry, link path)`` in place of the line of that name
    (later entries win); a name the block lacks is ignored."""
    latest = {entry.name: (entry, path) for entry, path in entries}

    def swap(m: re.Match[str]) -> str:
        found = latest.get(m["name"])
        if found is None:
            return m.group(0)
        entry, path = found
        return (f'<li class="indicator"><a href="{escape(path)}">View</a> '
                f'<span class="indicator-name">{escape(entry.name)}</span> '
                f'<span class="indicator-period">{escape(entry.period)}</span> '
                f'<span class="indicator-value">{escape(entry.value)}</span></li>')

    return _ENTRY.sub(swap, template)
