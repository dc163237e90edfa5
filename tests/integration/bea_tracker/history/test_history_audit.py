"""``bea-tracker audit [--apply]`` on a database filled by an older extractor: it reports the
corrections per release, stores them as new vintages with --apply, and alerts nobody."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timezone

from sqlalchemy import select

from db.models import Event, Release, Snapshot
from db.records import FigureRecord
from db.store import Fetched, store_snapshot
from scraper.extract import extract_release
from tests.support.paths import BEA_CAPTURES

FIXTURES = BEA_CAPTURES
URL = "https://www.bea.gov/news/2026/gdp-initial-estimate-2nd-quarter-2026"


def initial_estimate_page() -> bytes:
    """BEA's real 2026Q2 advance page with BEA's post-2025 title wording (the title edited)."""
    page = (FIXTURES / "release-gdp-2026q2-advance.html").read_bytes()
    old = b"GDP (Advance Estimate), 2nd Quarter 2026"
    assert old in page
    return page.replace(old, old.replace(b"Advance", b"Initial"))


def store_as_the_old_version_did(database, body: bytes) -> None:
    """What an older extractor stored: 'Initial Estimate' read as advance, no current-dollar
    GDP, the PCE price index read from the wrong clause, a figure made up (all corrected)."""
    today = extract_release(body, URL)
    old = [dataclasses.replace(f, estimate="advance",
                               value=4.6 if f.indicator == "pce_price_index" else f.value)
           for f in today.figures if f.indicator != "current_dollar_gdp"]
    old.append(FigureRecord("real_gdi", "Real GDI", "2026Q2", "advance", 9.9, "percent_saar"))
    record = dataclasses.replace(today, figures=tuple(old))
    with database.unit_of_work() as session:
        store_snapshot(session, Fetched(URL, body, datetime(2026, 7, 30, 12, 31,
                                                            tzinfo=timezone.utc)),
                       record, release_url=URL)


def test_audit_reports_then_applies_quietly(cli, database):
    body = initial_estimate_page()
    store_as_the_old_version_did(database, body)

    report = cli("audit", "--json")
    assert report.exit_code == 0, report.output
    (entry,) = json.loads(report.stdout)
    assert (entry["added"], entry["changed"], entry["lost"]) == (1, 5, 1)
    changes = {(c["change"], c["indicator"]) for c in entry["figures"]}
    assert ("added", "current_dollar_gdp") in changes and ("lost", "real_gdi") in changes
    real_gdp = next(c for c in entry["figures"] if c["indicator"] == "real_gdp")
    assert (real_gdp["old"]["estimate"], real_gdp["new"]["estimate"]) == ("advance", "initial")
    assert entry["stored_snapshot_id"] is None  # a report only

    text = cli("audit")
    assert "1 added, 5 changed, 1 lost" in text.stdout
    assert "real_gdp 2026Q2 percent_saar: 1.5 advance -> 1.5 initial" in text.stdout

    applied = cli("audit", "--apply")
    assert applied.exit_code == 0 and "stored as new vintages" in applied.stdout
    with database.session() as session:
        release = session.scalars(select(Release)).one()
        assert session.get(Snapshot, release.current_snapshot_id).kind == "page"
        assert len(session.scalars(select(Snapshot)).all()) == 2  # the old vintage is kept
        events = session.scalars(select(Event).order_by(Event.id)).all()
    assert [e.kind for e in events] == ["new_release", "revision"]
    assert events[1].baseline is True  # history shows it, nobody is alerted
    (revision,) = events[1].payload["revisions"]
    assert (revision["indicator"], revision["old_value"], revision["new_value"]) == (
        "pce_price_index", 4.6, 5.1)
    latest = json.loads(cli("latest", "--indicator", "real_gdp", "--json").stdout)
    assert latest[0]["estimate"] == "initial"

    again = cli("audit", "--json")
    assert json.loads(again.stdout)[0]["figures"] == []
    assert "0 with corrections" in cli("audit", "--apply").stdout


def test_feed_only_releases_gain_their_description_figures(cli, database):
    """A release known only from the feed, stored by a version that read only <data>: the
    audit adds what the item's description states (BEA's real feed of 2026-09-13)."""
    from scraper.feed_items import item_bytes
    from scraper.feed_parse import parse_feed

    feed = parse_feed((FIXTURES / "rss-2026-09-13.xml").read_bytes())
    item = next(i for i in feed.items if i.title == "Personal Income and Outlays, July 2026")
    old = dataclasses.replace(extract_release(b"", item.link), title=item.title,
                              figures=item.figures, extraction="ok", problems=())
    with database.unit_of_work() as session:
        store_snapshot(session, Fetched("https://apps.bea.gov/rss/rss.xml", item_bytes(item),
                                        datetime(2026, 8, 26, 12, 31, tzinfo=timezone.utc)),
                       old, kind="feed_item", release_url=item.link)

    (entry,) = json.loads(cli("audit", "--json").stdout)
    added = {(c["indicator"], c["new"]["value"]) for c in entry["figures"]
             if c["change"] == "added"}
    assert ("personal_income_change", 115.1) in added
    assert ("personal_saving_rate", 3.0) in added
    assert entry["changed"] == 0 and entry["lost"] == 0  # <data> figures as they were
    assert "stored as new vintages" in cli("audit", "--apply").stdout
    figures = json.loads(cli("latest", "--indicator", "personal_income_change", "--json").stdout)
    assert figures[0]["value"] == 115.1
