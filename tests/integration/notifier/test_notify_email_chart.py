"""Charts in e-mail: the demo release's alert carries its indicator's recent history as an
inline PNG referenced from the HTML part; without the plot extra it goes out without."""

from __future__ import annotations

import sys
from datetime import datetime, timezone

from bea_tracker.demo.localbea import synthetic_gdp_release

PLOT_MODULES = ("matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg")


def publish_and_poll(tracker, bea):
    tracker("poll", "--once")  # baseline: the feed's items are history (with their figures)
    bea.publish(synthetic_gdp_release(datetime.now(timezone.utc), seq=1))
    tracker("poll", "--once", "--no-schedule")


def parts(mail):
    message = mail.message
    return (message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content(),
            [p for p in message.walk() if p.get_content_type() == "image/png"])


def test_release_email_embeds_the_chart_inline(tracker, bea, smtp):
    tracker("subscribe", "add", "--email", "chart@example.com")
    tracker("subscribe", "add", "--email", "oneline@example.com", "--format", "short")
    publish_and_poll(tracker, bea)
    assert "delivered 2" in tracker("notify", "--once").stdout

    mails = {m.rcpt_tos[0]: m for m in smtp.wait_for(2, timeout=10)}
    text, html, images = parts(mails["chart@example.com"])
    assert len(images) == 1
    image = images[0]
    cid = image["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html and 'alt="Chart: Real GDP' in html
    png = image.get_content()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5_000
    assert image.get_content_disposition() == "inline"
    assert "cid:" not in text and "Chart" not in text  # the text part is unchanged
    assert "Real GDP" in text
    assert parts(mails["oneline@example.com"])[2] == []  # one line, no chart


def test_without_the_plot_extra_the_alert_goes_out_without_the_chart(tracker, bea, smtp,
                                                                    monkeypatch):
    tracker("subscribe", "add", "--email", "chart@example.com")
    publish_and_poll(tracker, bea)
    for name in PLOT_MODULES:  # import matplotlib... -> ImportError, as without the extra
        monkeypatch.setitem(sys.modules, name, None)
    assert "delivered 1" in tracker("notify", "--once").stdout  # in this process
    text, html, images = parts(smtp.wait_for(1, timeout=10)[0])
    assert images == [] and "cid:" not in html
    assert "Real GDP" in text and "Real GDP" in html
