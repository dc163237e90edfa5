"""Subjects, both message parts and digests for every event kind."""

from __future__ import annotations

from dataclasses import replace

import pytest

from notifier.render.messages import render_alert, render_digest, render_events


def test_new_release_subject_reads_at_a_glance(events):
    assert render_alert(events["gdp"]).subject == "BEA: GDP Q2 2026 (second) +1.5%"


def test_trade_subject_formats_billions(events):
    subject = render_alert(events["trade"]).subject
    assert subject == "BEA: U.S. International Trade in Goods and Services July 2026 -$88.6 billion"


def test_release_without_series_names_the_figure(events):
    release = replace(events["ita"].release, series=None)
    subject = render_alert(replace(events["ita"], release=release)).subject
    assert subject.endswith("and Annual Update: Current-account balance -$226.8 billion")


def test_release_without_figures_uses_the_title(events):
    release = replace(events["gdp"].release, figures=())
    alert = render_alert(replace(events["gdp"], release=release))
    assert alert.subject == "BEA: GDP (Second Estimate) and Corporate Profits, 2nd Quarter 2026"


def test_new_release_parts_carry_figures_lead_and_link(events):
    alert = render_alert(events["gdp"])
    for part in (alert.text, alert.html):
        assert "+1.5%" in part
        assert "+2.1% in Q1 2026" in part
        assert "according to the second estimate" in part
        assert "https://www.bea.gov/news/2026/gdp-second-estimate" in part
        assert "BEA 26-38" in part
        assert "Wed Aug 26, 2026, 8:30 AM EDT" in part
        assert "September 30, 2026" in part
    assert 'href="https://www.bea.gov/news/2026/gdp-second-estimate' in alert.html


def test_trillions_in_both_parts(events):
    alert = render_alert(events["ita"])
    assert "-$21.27 trillion" in alert.text
    assert "-$21.27 trillion" in alert.html


def test_revision_says_what_moved(events):
    alert = render_alert(events["gdp_revision"])
    assert alert.subject == "BEA revision: Real GDP Q2 2026 1.5 -> 1.6 (third)"
    assert "Real GDP Q2 2026 revised 1.5 -> 1.6 (third estimate)" in alert.text
    assert "+0.1 percentage point" in alert.text
    assert "+1.6%" in alert.html and "third estimate" in alert.html


def test_revision_with_several_figures_counts_the_rest(events):
    event = events["gdp_revision"]
    extra = replace(event.revisions[0], indicator="pce", label="PCE", old_value=2.0, new_value=2.2)
    subject = render_alert(replace(event, revisions=(*event.revisions, extra))).subject
    assert subject == "BEA revision: Real GDP Q2 2026 1.5 -> 1.6 (third) and 1 more"


def test_schedule_change_subject_and_body(events):
    alert = render_alert(events["schedule"])
    assert alert.subject.startswith("BEA schedule change: GDP (Third Estimate)")
    assert "moved to Thu Oct 1, 2026, 8:30 AM EDT" in alert.subject
    assert "Previously: Wed Sep 30, 2026, 8:30 AM EDT" in alert.text


def test_new_schedule_entry_without_previous_time(events):
    alert = render_alert(replace(events["schedule"], previous_starts_at=None))
    assert "scheduled for Thu Oct 1, 2026" in alert.subject


def test_source_problem(events):
    alert = render_alert(events["problem"])
    assert alert.subject == "BEA source problem: BEA feed answered HTTP 503 three times in a row"
    assert "https://apps.bea.gov/rss/rss.xml" in alert.text


def test_script_title_is_escaped_in_html_and_plain_in_text(script_event):
    alert = render_alert(script_event)
    assert "<script>" not in alert.html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Profits" in alert.html
    assert "Lead with &lt;b&gt;bold&lt;/b&gt; &amp; an ampersand" in alert.html
    assert "GDP <script>alert('x')</script> & Profits" in alert.text
    assert "&lt;" not in alert.text and "&amp;" not in alert.text


def test_subject_never_contains_a_newline(events):
    release = replace(events["gdp"].release, series="GDP\r\nBcc: evil@example.org")
    subject = render_alert(replace(events["gdp"], release=release)).subject
    assert "\n" not in subject and "\r" not in subject


def test_digest_lists_every_event_oldest_first(events):
    chosen = [events["trade"], events["gdp"], events["gdp_revision"], events["schedule"]]
    digest = render_digest(chosen)
    assert digest.subject == (
        "BEA daily digest, 2026-09-30: 4 updates (GDP Q2 2026 (second) +1.5% and 3 more)"
    )
    text = digest.text
    order = [text.index(s) for s in ("1. New release: GDP", "2. New release: U.S. Intern",
                                      "3. Schedule change", "4. Revision: Real GDP")]  # fmt: skip
    assert order == sorted(order)
    for part in (digest.text, digest.html):
        assert "+1.5%" in part and "-$88.6 billion" in part and "1.6" in part
    assert digest.html.count('<div id="event-') == 4


def test_digest_escapes_html(events, script_event):
    digest = render_digest([events["gdp"], script_event])
    assert "<script>" not in digest.html and "&lt;script&gt;" in digest.html
    assert "<script>alert('x')</script>" in digest.text


def test_digest_of_one_event(events):
    assert render_digest([events["gdp"]]).subject == (
        "BEA daily digest, 2026-08-26: GDP Q2 2026 (second) +1.5%"
    )


def test_render_events_chooses_layout(events):
    assert render_events([events["gdp"]]).subject.startswith("BEA: ")
    assert render_events([events["gdp"]], digest=True).subject.startswith("BEA daily digest")
    assert render_events([events["gdp"], events["trade"]]).subject.startswith("BEA daily digest")
    with pytest.raises(ValueError):
        render_events([])
    with pytest.raises(ValueError):
        render_digest([])


def test_only_http_links_are_rendered(events):
    release = replace(events["gdp"].release, url="javascript:alert(1)")
    alert = render_alert(replace(events["gdp"], release=release))
    assert "javascript:" not in alert.html and "javascript:" not in alert.text
