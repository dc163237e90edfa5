"""Alerts say which sources agree with the release page (issue 12): the feed item's data
and BEA's home page block, in the e-mail, the Slack blocks and the webhook's ``checks``.

The local BEA serves a home page built around the real 2024-02-07 block; publishing the
GDP release puts "Gross Domestic Product Q2 2026 (Adv) +1.5%" on it, as BEA does."""

from __future__ import annotations

from datetime import datetime, timezone

from bea_tracker.demo.localbea import data
from bea_tracker.demo.localbea.home import HomeEntry, render_home
from bea_tracker.demo.localbea.publication import synthetic_gdp_release

AGREE = "Checked against: the feed item's data, BEA's home page \u2014 agree"


def subscribe(tracker, hooks) -> None:
    tracker("subscribe", "add", "--email", "economist@example.com")
    tracker("subscribe", "add", "--webhook", hooks.url_for("ops"))
    tracker("subscribe", "add", "--slack", hooks.url_for("slack"))


def publish_and_poll(tracker, bea, home_says: str | None = None):
    tracker("poll", "--once")  # the baseline: no release page, no home page
    assert bea.log.records(data.HOME_PATH) == []
    release = synthetic_gdp_release(datetime.now(timezone.utc))
    bea.publish(release)
    if home_says is not None:
        template = data.load(data.HOME_FILE).decode()
        entry = HomeEntry("Gross Domestic Product", "Q2 2026 (Adv)", home_says)
        bea.put(data.HOME_PATH, render_home(template, [(entry, release.path)]).encode())
    tracker("poll", "--once", "--no-schedule")
    # one GET of the home page, because a release page arrived
    assert [r.status for r in bea.log.records(data.HOME_PATH)] == [200]
    return release


def slack_context(call) -> str:
    return "\n".join(e["text"] for b in call.json["blocks"] if b["type"] == "context"
                     for e in b["elements"])


def test_agreeing_sources_are_named_in_every_channel(tracker, bea, smtp, hooks):
    subscribe(tracker, hooks)
    publish_and_poll(tracker, bea)
    assert "delivered 3" in tracker("notify", "--once").stdout
    mail = smtp.wait_for(1, timeout=10)[0]
    text = mail.message.get_body(("plain",)).get_content()
    html = mail.message.get_body(("html",)).get_content()
    assert AGREE in text and AGREE.replace("'", "&#39;") in html
    calls = {c.name: c for c in hooks.wait_for(2, timeout=10)}
    event = calls["ops"].json["events"][0]
    assert event["checks"] == {"feed": "agree", "home_page": "agree"}
    assert AGREE in slack_context(calls["slack"])
    assert tracker("show", "--json", bea.url(synthetic_gdp_release(
        datetime.now(timezone.utc)).path)).json()["checks"] == {
        "feed": "agree", "home_page": "agree"}


def test_a_home_page_that_disagrees_is_stated_and_raises_one_problem(tracker, bea, smtp,
                                                                     hooks):
    subscribe(tracker, hooks)
    tracker("subscribe", "add", "--webhook", hooks.url_for("problems"), "--source-problems")
    publish_and_poll(tracker, bea, home_says="+1.6%")
    # the release to 4 subscribers, the one source problem to the problems subscriber
    assert "delivered 5" in tracker("notify", "--once").stdout
    mail = smtp.wait_for(1, timeout=10)[0]
    text = mail.message.get_body(("plain",)).get_content()
    said = "Real GDP 2026Q2: BEA's home page says 1.6, the page says 1.5"
    assert "Checked against: the feed item's data \u2014 agree" in text
    assert f"Checked against BEA's home page \u2014 DISAGREE: {said}" in text
    calls = hooks.wait_for(4, timeout=10)
    alerts = [c.json["events"][0] for c in calls if c.name in ("ops", "problems")]
    by_kind = {e["kind"]: e for e in alerts}
    assert by_kind["new_release"]["checks"] == {"feed": "agree", "home_page": "disagree"}
    problem = by_kind["source_problem"]
    assert problem["source"] == "cross-check with BEA's home page"
    assert "BEA's home page gives real_gdp 2026Q2 = 1.6" in problem["message"]
    kinds = sorted(c.json["events"][0]["kind"] for c in calls if c.name == "problems")
    assert kinds == ["new_release", "source_problem"]  # one problem, raised once
    slack = next(c for c in calls if c.name == "slack")
    assert said in slack_context(slack)
