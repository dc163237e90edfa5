"""The read-only JSON API on a running daemon: each route's JSON equals the CLI's --json."""

from __future__ import annotations

import httpx

from tests.integration.bea_tracker.daemon.test_daemon_ops import SERVING, with_http
from tests.support.seeding import SLUG, seed_release
from tests.support.waiting import wait_until


def test_api_routes_equal_the_cli_json(configure, daemons, database, tracker_json):
    config = configure(idle_interval="1h")
    with_http(config)
    url = seed_release(database)  # on www.bea.gov, off the local BEA
    daemon = daemons()
    base = wait_until(lambda: (m := SERVING.search(daemon.log_text())) and m.group(1), 60,
                      "the HTTP listener", daemon)
    with httpx.Client(base_url=base, timeout=30) as client:
        # the first feed poll (the baseline) has written what it writes; no other until 1 h
        wait_until(lambda: 'bea_tracker_polls_total{outcome="ok",source="feed"} 1.0'
                   in client.get("/metrics").text, 60, "the first feed poll", daemon)
        release_id = tracker_json("show", url, "--json")["id"]
        pairs = {
            "/api/latest": ["latest", "--json"],
            "/api/latest?indicator=trade_balance": ["latest", "--indicator", "trade_balance",
                                                   "--json"],
            "/api/releases": ["releases", "--json"],
            "/api/releases?limit=2": ["releases", "--limit", "2", "--json"],
            f"/api/releases/{release_id}": ["show", str(release_id), "--json"],
            f"/api/releases/{SLUG}": ["show", SLUG, "--json"],
            "/api/indicators/trade_balance/history": ["history", "trade_balance", "--json"],
            "/api/indicators/trade_balance/history?vintages=1": [
                "history", "trade_balance", "--vintages", "--json"],
            "/api/indicators/trade_balance/history?since=2026-08": [
                "history", "trade_balance", "--since", "2026-08", "--json"],
            "/api/indicators/trade_balance/history?since=2099": [
                "history", "trade_balance", "--since", "2099", "--json"],
        }
        for path, command in pairs.items():
            answer = client.get(path)
            assert answer.status_code == 200, (path, answer.text)
            assert answer.headers["content-type"].startswith("application/json")
            assert answer.json() == tracker_json(*command), path
        releases = client.get("/api/releases").json()
        assert any(r["id"] == release_id and r["figures"] >= 1 for r in releases)
        shown = client.get(f"/api/releases/{release_id}").json()
        assert [(f["indicator"], f["period"], f["value"]) for f in shown["figures"]][0] == (
            "trade_balance", "2026-08", -89.0)  # the revised vintage
        assert [v["current"] for v in shown["vintages"]] == [False, False, True]
        assert len(client.get("/api/releases?limit=2").json()) == 2

        for path, said in (("/api/releases/999999", "no release matches '999999'"),
                           ("/api/indicators/no_such_key/history",
                            "unknown indicator 'no_such_key'"),
                           ("/api/latest?indicator=no_such_key",
                            "unknown indicator 'no_such_key'")):
            answer = client.get(path)
            assert answer.status_code == 404, path
            assert answer.json() == {"error": said, "status": 404}
        assert client.get("/api/releases?limit=x").status_code == 400
        assert client.get("/api/indicators/trade_balance/history?since=soon").json() == {
            "error": "since: expected a date such as 2026, 2026-01, 2026-01-31 or "
                     "2026-01-31T08:30-05:00, got 'soon'", "status": 400}
        stray = client.get("/api/no/such/route")
        assert stray.status_code == 404
        assert stray.json()["error"].startswith("no API route '/api/no/such/route'")
        assert client.get("/api/indicators/trade_balance/history?since=2099").json() == []
    code, _ = daemon.terminate(timeout=30)
    assert code == 0
    assert "Traceback" not in daemon.log_text()
