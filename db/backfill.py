"""What a backfill asks the database: pages already stored, cached archive listings, and
scheduled releases it must not get in the way of. Plain values and records out."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import HttpValidator, ListingCache, Release, Snapshot
from db.polls import save_validators
from db.store import KIND_PAGE
from db.types import utcnow

_CHUNK = 500


@dataclass(frozen=True)
class CachedListing:
    """A listing page as last fetched: its validators and its body."""

    url: str
    etag: str | None
    last_modified: str | None
    body: bytes


def stored_page_urls(session: Session, urls: Iterable[str]) -> set[str]:
    """Which of ``urls`` are releases with at least one stored page snapshot."""
    wanted = list(dict.fromkeys(urls))
    found: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start:start + _CHUNK]
        found.update(session.scalars(
            select(Release.url).distinct()
            .join(Snapshot, Snapshot.release_id == Release.id)
            .where(Release.url.in_(chunk), Snapshot.kind == KIND_PAGE)
        ))
    return found


def cached_listing(session: Session, url: str) -> CachedListing | None:
    """The validators and body kept for ``url``; None unless both are there."""
    validators = session.get(HttpValidator, url)
    body = session.get(ListingCache, url)
    if validators is None or body is None or validators.sha256 != body.sha256:
        return None
    return CachedListing(url, validators.etag, validators.last_modified,
                         zlib.decompress(body.raw_zlib))


def save_listing(session: Session, url: str, etag: str | None, last_modified: str | None,
                 body: bytes) -> None:
    """Keep a listing page's validators (``http_validators``) and body (``listing_cache``)."""
    digest = hashlib.sha256(body).hexdigest()
    save_validators(session, url, etag, last_modified, digest)
    row = session.get(ListingCache, url)
    if row is None:
        row = ListingCache(url=url)
        session.add(row)
    row.sha256, row.raw_zlib, row.fetched_at = digest, zlib.compress(body, 6), utcnow()


