"""Delivery contexts for tests whose receivers run on 127.0.0.1."""

from __future__ import annotations

from typing import Any

from notifier.settings import DeliveryContext


def local_context(**kw: Any) -> DeliveryContext:
    """A context that allows private targets: the test receivers are on 127.0.0.1, which a
    real deployment refuses unless ``delivery.allow_private_targets`` is set."""
    return DeliveryContext(allow_private_targets=True, **kw)
