"""A local copy of BEA on 127.0.0.1 for tests, the offline demo and benchmarks.

Serves the bundled real captures (``bea_tracker/demo/data``) with conditional GET, logs
every request, plays scripted faults, and simulates a release: the page goes live at its
scheduled time and the feed gains the item some seconds later.
"""

from bea_tracker.demo.localbea.publication import (
    Publication,
    SyntheticRelease,
    synthetic_gdp_release,
    synthetic_item,
)
from bea_tracker.demo.localbea.requestlog import RequestLog, RequestRecord
from bea_tracker.demo.localbea.schedule_gen import CalendarEntry
from bea_tracker.demo.localbea.server import LocalBea

__all__ = [
    "LocalBea",
    "Publication",
    "RequestLog",
    "RequestRecord",
    "CalendarEntry",
    "SyntheticRelease",
    "synthetic_gdp_release",
    "synthetic_item",
]
