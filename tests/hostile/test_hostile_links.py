"""A feed item whose link is on another host: never crawled, and never put in an alert
(the e-mail's "Read it on bea.gov", the Slack button, the webhook record's ``url``)."""

from __future__ import annotations

from tests.hostile.hostile_world import World, body, rss

PHISH = "https://evil.example/phish"
ITEM = {"title": "Gross Domestic Product, 2nd Quarter 2026 (Third Estimate)",
        "pubDate": "Thu, 24 Sep 2026 08:30:00 -0400",
        "description": "Real GDP increased at an annual rate of 3.8 percent."}


def test_a_link_off_the_allowed_hosts_is_left_out_of_every_alert(world: World, smtp,
                                                                 hooks) -> None:
    world.configure(smtp={"host": "127.0.0.1", "port": smtp.port})
    assert world.run("subscribe", "add", "--email", "economist@example.com").code == 0
    assert world.run("subscribe", "add", "--webhook", hooks.url_for("ops")).code == 0
    old = {**ITEM, "title": "Personal Income and Outlays, August 2026",
           "link": world.bea.url("/news/2026/old"), "guid": "old"}
    world.hostile_feed(body(rss([old])))
    assert world.poll().code == 0  # baseline
    world.hostile_feed(body(rss([{**ITEM, "link": PHISH, "guid": "phish"}, old])))

    run = world.run("run", "--once")

    assert run.code == 0, run.output
    assert f"skipping {PHISH}: host not in bea.allowed_hosts" in run.stderr
    assert "left out of the alert" in run.stderr
    assert world.hostile.requests.count("/phish") == 0
    mail = smtp.wait_for(1)[0]
    assert "evil.example" not in mail.raw.decode("utf-8", "replace")
    assert "Read it on bea.gov" not in mail.raw.decode("utf-8", "replace")
    call = hooks.wait_for(1)[0]
    assert b"evil.example" not in call.body
    assert call.json["events"][0]["release"]["url"] in ("", None)
