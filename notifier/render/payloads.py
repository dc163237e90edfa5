"""The JSON body POSTed to generic webhooks, and its exact bytes (which get signed).

Events keep the record shapes of DESIGN.md (``EventRecord.to_json``: the release with its
figures, revisions, schedule). The body has no clock in it, so a retried delivery sends the
same bytes and the same signature.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from db.records import EventRecord
from notifier.render.views import chronological

logger = logging.getLogger(__name__)

SCHEMA = "bea-tracker.alert/1"


def webhook_payload(
    events: Sequence[EventRecord], outbox_id: int | None, digest: bool | None = None
) -> dict[str, Any]:
    """``{"schema", "outbox_id", "kind", "digest", "events": [EventRecord.to_json(), ...]}``.

    ``kind`` is the event kind for a single event and ``"digest"`` for several.
    """
    if not events:
        raise ValueError("a webhook payload needs at least one event")
    is_digest = len(events) > 1 if digest is None else digest
    ordered = chronological(events)
    return {
        "schema": SCHEMA,
        "outbox_id": outbox_id,
        "kind": "digest" if is_digest else ordered[0].kind,
        "digest": is_digest,
        "events": [e.to_json() for e in ordered],
    }


def encode_payload(payload: dict[str, Any]) -> bytes:
    """Canonical JSON bytes: sorted keys, no spaces, UTF-8."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )
