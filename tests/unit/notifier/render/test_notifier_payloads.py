"""Webhook bodies keep DESIGN.md's record shapes and are byte-stable across retries."""

from __future__ import annotations

import json

import pytest

from notifier.render.payloads import SCHEMA, encode_payload, webhook_payload


def test_single_event_payload(events):
    payload = webhook_payload([events["gdp"]], 42)
    assert payload["schema"] == SCHEMA
    assert payload["outbox_id"] == 42
    assert payload["kind"] == "new_release"
    assert payload["digest"] is False
    (event,) = payload["events"]
    assert event == events["gdp"].to_json()
    assert event["release"]["figures"][0] == {
        "indicator": "real_gdp", "label": "Real GDP", "period": "2026Q2", "estimate": "second",
        "value": 1.5, "unit": "percent_saar", "prior_value": 2.1, "prior_period": "2026Q1",
    }  # fmt: skip
    assert event["release"]["released_at"] == "2026-08-26T08:30:00-04:00"


def test_digest_payload_is_chronological(events):
    payload = webhook_payload([events["trade"], events["gdp_revision"], events["gdp"]], 7)
    assert payload["kind"] == "digest" and payload["digest"] is True
    assert [e["id"] for e in payload["events"]] == [1, 2, 5]
    assert payload["events"][2]["revisions"][0]["change"] == 0.1


def test_digest_flag_can_be_forced(events):
    assert webhook_payload([events["gdp"]], 1, digest=True)["kind"] == "digest"


def test_encoding_is_canonical_and_round_trips(events):
    payload = webhook_payload([events["gdp"], events["schedule"]], 3)
    body = encode_payload(payload)
    assert body == encode_payload(json.loads(body))
    assert b'": ' not in body and b'", "' not in body  # compact separators
    assert json.loads(body) == payload


def test_needs_an_event():
    with pytest.raises(ValueError):
        webhook_payload([], 1)
