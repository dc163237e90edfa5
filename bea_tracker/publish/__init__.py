"""What the tracker publishes besides alerts: JSON shapes (CLI ``--json`` and /api), the
Atom feed, the calendar and the dashboard."""
