"""DNS rebinding: a webhook's name answers a public address when checked and 127.0.0.1 when
the connection is made. The sender connects only to an address it resolved and checked
itself, so the name's second answer is refused and nothing reaches the machine's inside.

The resolver is the policy's own (``notifier.targets.resolve_addresses``), replaced here by
one whose answers the test scripts; ``notify --once`` runs in this process (no reactor) so
it sees the replacement. Nothing leaves 127.0.0.1: the public answer is never connected to.
"""

from __future__ import annotations

import ipaddress
import select
import socket
from collections.abc import Iterator

import pytest

from notifier import targets
from tests.hostile.hostile_world import World
from tests.hostile.test_hostile_subscribers import publish

PUBLIC = ipaddress.ip_address("93.184.216.34")  # never connected to: the test would fail
LOOPBACK = ipaddress.ip_address("127.0.0.1")


class ScriptedResolver:
    """Answers ``host`` with the scripted addresses, one answer per call (the last repeats);
    any other name is resolved for real."""

    def __init__(self, host: str) -> None:
        self.host, self.answers, self.calls = host, [[PUBLIC]], 0
        self._real = targets.resolve_addresses

    def __call__(self, host: str, port: int) -> list[targets.Address]:
        if host != self.host:
            return self._real(host, port)
        self.calls += 1
        return list(self.answers[min(self.calls, len(self.answers)) - 1])

    def script(self, *answers: list[targets.Address]) -> None:
        self.answers, self.calls = list(answers), 0


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A bare listening socket on 127.0.0.1 that never accepts: any connection made to it
    waits in its backlog, where the test sees it."""
    with socket.create_server(("127.0.0.1", 0)) as sock:
        yield sock


def pending_connections(sock: socket.socket) -> bool:
    readable, _, _ = select.select([sock], [], [], 0)
    return bool(readable)


def subscribe(world: World, url: str) -> None:
    done = world.cli("subscribe", "add", "--webhook", url)
    assert done.exit_code == 0, done.output


def test_a_name_that_turns_to_loopback_after_the_check_is_never_connected(
        world: World, listener: socket.socket, monkeypatch: pytest.MonkeyPatch) -> None:
    resolver = ScriptedResolver("rebind.example")
    monkeypatch.setattr(targets, "resolve_addresses", resolver)
    world.configure(delivery={"allow_private_targets": False})
    port = listener.getsockname()[1]
    subscribe(world, f"http://rebind.example:{port}/hook")  # checked: public, accepted
    publish(world)
    # the check before the send sees the public address; the connection's lookup, loopback
    resolver.script([PUBLIC], [LOOPBACK])

    run = world.cli("notify", "--once")

    assert run.exit_code == 0, run.output
    assert resolver.calls == 2, "checked before the send, resolved once at connect"
    assert "delivered 0, will retry 0, dead 1" in run.stdout, run.output
    assert not pending_connections(listener), "a connection reached 127.0.0.1"
    refused = [line for line in run.stderr.splitlines()
               if "resolves to 127.0.0.1 when connecting" in line]
    assert len(refused) == 1, run.stderr
    assert "refused" in refused[0] and "allow_private_targets" in refused[0]
    assert "/hook" not in refused[0]  # the URL's secret path is masked
    (row,) = world.json("deliveries")
    assert row["status"] == "dead" and "127.0.0.1" in row["last_error"], row


def test_a_name_with_one_inside_address_among_public_ones_is_refused(
        world: World, listener: socket.socket, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every address of the connection's lookup is checked, not only the first."""
    resolver = ScriptedResolver("mixed.example")
    monkeypatch.setattr(targets, "resolve_addresses", resolver)
    world.configure(delivery={"allow_private_targets": False})
    subscribe(world, f"http://mixed.example:{listener.getsockname()[1]}/hook")
    publish(world)
    resolver.script([PUBLIC], [PUBLIC, LOOPBACK])

    run = world.cli("notify", "--once")

    assert "delivered 0, will retry 0, dead 1" in run.stdout, run.output
    assert not pending_connections(listener)
    assert "resolves to 127.0.0.1 when connecting" in run.stderr


def test_the_checked_address_is_the_one_connected_with_the_name_kept(
        world: World, hooks, monkeypatch: pytest.MonkeyPatch) -> None:
    """The control: where private targets are allowed, the connection goes to the address
    the sender resolved (the receiver on 127.0.0.1) and the request still names the host."""
    resolver = ScriptedResolver("receiver.example")
    monkeypatch.setattr(targets, "resolve_addresses", resolver)
    resolver.script([LOOPBACK])
    url = hooks.url_for("ops").replace("127.0.0.1", "receiver.example")
    subscribe(world, url)
    publish(world)

    run = world.cli("notify", "--once")

    assert "delivered 1, will retry 0, dead 0" in run.stdout, run.output
    (call,) = hooks.wait_for(1, name="ops")
    headers = {name.lower(): value for name, value in call.headers.items()}
    assert headers["host"] == f"receiver.example:{hooks.port}"
    assert resolver.calls >= 1
