"""bgraph.sandbox: after deny_network() the kernel refuses network sockets, Oxigraph included.

Every check runs in a fresh subprocess (the ban is irrevocable) against a canary: a listener on
127.0.0.1 that counts the connections it accepts. Each test first shows the canary *does* see a
connection when the ban is absent, so that "no connection" means something.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest

from helpers import Canary, canary_fixture

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="seccomp / netns are Linux's")


@pytest.fixture()
def canary() -> Iterator[Canary]:
    yield from canary_fixture()


def run_python(code: str, timeout: float = 120) -> dict:
    """Run ``code`` in a new interpreter; it prints one JSON object as its last line."""
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


PROBES = """
import json, socket, sys
import pyoxigraph as ox
from bgraph.sandbox import deny_network

PORT = {port}
results = {{"mechanism": deny_network({mechanisms}) if {ban} else "off"}}

def attempt(name, fn):
    try:
        fn()
    except OSError as exc:
        results[name] = type(exc).__name__ + ": " + str(exc)
    else:
        results[name] = "ok"

def connect():
    socket.create_connection(("127.0.0.1", PORT), timeout=2).close()

def service():
    q = "SELECT * {{ SERVICE <http://127.0.0.1:%d/sparql> {{ ?s ?p ?o }} }}" % PORT
    list(ox.Store().query(q))

def service_silent():
    q = "SELECT * {{ SERVICE SILENT <http://127.0.0.1:%d/> {{ ?s ?p ?o }} }}" % PORT
    list(ox.Store().query(q))

def pair():
    a, b = socket.socketpair()
    a.sendall(b"x")
    assert b.recv(1) == b"x"

def unix_dgram():
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    a.send(b"y")
    assert b.recv(1) == b"y"

attempt("connect", connect)
attempt("service", service)
attempt("service_silent", service_silent)
attempt("pair", pair)
attempt("unix_dgram", unix_dgram)
for family in ("AF_INET", "AF_INET6", "AF_NETLINK"):
    attempt(family, lambda f=family: socket.socket(getattr(socket, f), socket.SOCK_DGRAM).close())
print(json.dumps(results))
"""


def _probe(canary: Canary, ban: bool, mechanisms: tuple[str, ...] = ("seccomp", "netns")) -> dict:
    return run_python(PROBES.format(port=canary.port, ban=ban, mechanisms=mechanisms))


def test_canary_sees_connections_without_the_ban(canary: Canary) -> None:
    """The control: without deny_network, a plain connect and Oxigraph's SERVICE reach it."""
    out = _probe(canary, ban=False)
    assert out["connect"] == "ok"
    assert out["AF_INET"] == "ok"
    assert canary.settled() >= 2, out  # the connect and the SERVICE call


def test_seccomp_refuses_inet_sockets_and_keeps_unix(canary: Canary) -> None:
    out = _probe(canary, ban=True, mechanisms=("seccomp",))
    if out["mechanism"] != "seccomp":
        pytest.skip(f"seccomp filters are not available here ({out['mechanism']})")
    for name in ("connect", "service", "AF_INET", "AF_INET6", "AF_NETLINK"):
        assert out[name].startswith("PermissionError"), (name, out[name])
    assert out["service_silent"] == "ok"  # SILENT hides the error; the canary says what happened
    assert out["pair"] == "ok"
    assert out["unix_dgram"] == "ok"
    assert canary.settled() == 0


def test_netns_fallback_reaches_nothing(canary: Canary) -> None:
    out = _probe(canary, ban=True, mechanisms=("netns",))
    if out["mechanism"] != "netns":
        pytest.skip(f"network namespaces are not available here ({out['mechanism']})")
    assert out["connect"] != "ok"
    assert out["service"] != "ok"
    assert out["pair"] == "ok"
    assert out["unix_dgram"] == "ok"
    assert canary.settled() == 0


def test_default_mechanism_is_reported_and_holds(canary: Canary) -> None:
    out = _probe(canary, ban=True)
    assert out["mechanism"] in ("seccomp", "netns"), "this kernel offers no sandbox"
    assert out["connect"] != "ok" and out["service"] != "ok"
    assert canary.settled() == 0


def test_ban_covers_earlier_threads_and_children(canary: Canary) -> None:
    """TSYNC: a thread started before the ban is banned too; so is a forked child."""
    out = run_python(
        f"""
        import json, os, socket, threading
        from bgraph.sandbox import deny_network
        go, done, seen = threading.Event(), threading.Event(), {{}}
        def early():
            go.wait()
            try:
                socket.create_connection(("127.0.0.1", {canary.port}), timeout=2).close()
                seen["thread"] = "ok"
            except OSError as exc:
                seen["thread"] = type(exc).__name__
            done.set()
        threading.Thread(target=early).start()
        mechanism = deny_network(("seccomp",))
        go.set(); done.wait()
        pid = os.fork()
        if pid == 0:
            try:
                socket.create_connection(("127.0.0.1", {canary.port}), timeout=2).close()
                os._exit(0)
            except OSError:
                os._exit(3)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({{"mechanism": mechanism, "thread": seen["thread"],
                          "child": os.waitstatus_to_exitcode(status)}}))
        """
    )
    if out["mechanism"] != "seccomp":
        pytest.skip("seccomp filters are not available here")
    assert out["thread"] == "PermissionError"
    assert out["child"] == 3
    assert canary.settled() == 0


def test_required_and_repeated_calls() -> None:
    out = run_python(
        """
        import json
        from bgraph.sandbox import SandboxUnavailable, deny_network, status
        before = status()
        none = deny_network(())
        try:
            deny_network((), required=True)
            raised = False
        except SandboxUnavailable:
            raised = True
        first = deny_network()
        print(json.dumps({"before": before, "none": none, "raised": raised, "first": first,
                          "again": deny_network(), "status": status()}))
        """
    )
    assert out["before"] == "none" and out["none"] == "none" and out["raised"]
    assert out["first"] in ("seccomp", "netns")
    assert out["again"] == out["first"] == out["status"]


@pytest.mark.parametrize("threads", [1, 2])
def test_query_workers_are_banned(canary: Canary, threads: int) -> None:
    """The server's worker pool: its zygote bans the network before forking a worker, and
    reports how; a worker's Oxigraph SERVICE call and plain connect reach nothing, from a
    process per worker (threads=1) or from two threads of one worker process (threads=2, as
    for a big store), run at once."""
    out = run_python(
        f"""
        import asyncio, json, socket
        import pyoxigraph as ox
        from bgraph.server.workers import WorkerPool

        def handler(job):
            kind, port = job
            try:
                if kind == "connect":
                    socket.create_connection(("127.0.0.1", port), timeout=2).close()
                else:
                    q = "SELECT * {{ SERVICE <http://127.0.0.1:%d/> {{ ?s ?p ?o }} }}" % port
                    list(ox.Store().query(q))
            except OSError as exc:
                return type(exc).__name__
            return "ok"

        pool = WorkerPool(handler, size=2, timeout=20, threads={threads})
        pool.start()
        async def main():
            jobs = [pool.run((kind, {canary.port})) for kind in ("connect", "service") * 2]
            return [*await asyncio.gather(*jobs), pool.processes]
        try:
            replies = asyncio.run(main())
        finally:
            pool.close()
        print(json.dumps({{"sandbox": pool.sandbox, "replies": replies}}))
        """
    )
    assert out["sandbox"] in ("seccomp", "netns"), out
    *replies, processes = out["replies"]
    assert processes == (1 if threads == 2 else 2)
    assert len(replies) == 4 and "ok" not in replies, out
    assert canary.settled() == 0
