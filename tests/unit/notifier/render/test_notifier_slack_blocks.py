"""Block Kit payloads: header, headline figures as fields, a button to the release."""

from __future__ import annotations

from dataclasses import replace

import pytest

from notifier.render.messages import render_alert, render_digest
from notifier.render.slack_blocks import MAX_BLOCKS, escape_mrkdwn, slack_payload


def _blocks_of(payload, kind):
    return [b for b in payload["blocks"] if b["type"] == kind]


def test_single_release(events):
    event = events["gdp"]
    payload = slack_payload(render_alert(event), event)
    assert payload["text"] == "BEA: GDP Q2 2026 (second) +1.5%"
    header = payload["blocks"][0]
    assert header == {
        "type": "header",
        "text": {"type": "plain_text", "text": "BEA: GDP Q2 2026 (second) +1.5%", "emoji": False},
    }
    fields = [s for s in _blocks_of(payload, "section") if "fields" in s][0]["fields"]
    assert fields == [{"type": "mrkdwn", "text": "*Real GDP*\n+1.5%  (Q2 2026, second estimate)"}]
    (actions,) = _blocks_of(payload, "actions")
    assert actions["elements"][0]["url"] == event.release.url
    assert actions["elements"][0]["type"] == "button"


def test_fields_are_capped_at_ten(events):
    event = events["pio"]
    figures = event.release.figures * 4
    event = replace(event, release=replace(event.release, figures=figures))
    payload = slack_payload(render_alert(event), [event])
    fields = [s for s in _blocks_of(payload, "section") if "fields" in s][0]["fields"]
    assert len(fields) == 10


def test_revision_fields_show_old_and_new(events):
    event = events["gdp_revision"]
    payload = slack_payload(render_alert(event), event)
    fields = [s for s in _blocks_of(payload, "section") if "fields" in s][0]["fields"]
    assert fields[0]["text"] == ("*Real GDP Q2 2026*\n+1.5% -&gt; +1.6%  (+0.1 percentage point)")


def test_schedule_change_has_no_button(events):
    event = events["schedule"]
    payload = slack_payload(render_alert(event), event)
    assert not _blocks_of(payload, "actions")
    assert "Scheduled for" in str(payload)


def test_markup_is_escaped_for_mrkdwn(script_event):
    payload = slack_payload(render_alert(script_event), script_event)
    section = payload["blocks"][1]["text"]["text"]
    assert "<script>" not in section and "&lt;script&gt;" in section
    assert "&amp; Profits" in section


def test_digest_links_each_event(events):
    chosen = [events["gdp"], events["trade"], events["problem"]]
    payload = slack_payload(render_digest(chosen), chosen)
    assert payload["blocks"][0]["text"]["text"].startswith("BEA daily digest")
    texts = [b["text"]["text"] for b in _blocks_of(payload, "section")]
    assert texts[0].startswith(f"*<{events['gdp'].release.url}|New release: GDP Q2 2026")
    assert texts[2].startswith("*Source problem: BEA feed answered")
    assert len(texts) == 3


def test_digest_stays_within_the_block_limit(events):
    many = [replace(events["gdp"], id=i) for i in range(80)]
    payload = slack_payload(render_digest(many), many)
    assert len(payload["blocks"]) <= MAX_BLOCKS
    assert "and 32 more" in payload["blocks"][-1]["elements"][0]["text"]


def test_header_is_cut_to_slacks_limit(events):
    rendered = replace(render_alert(events["gdp"]), subject="x" * 400)
    payload = slack_payload(rendered, events["gdp"])
    assert len(payload["blocks"][0]["text"]["text"]) == 150


def test_escape_mrkdwn():
    assert escape_mrkdwn("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"


def test_needs_an_event(events):
    with pytest.raises(ValueError):
        slack_payload(render_alert(events["gdp"]), [])
