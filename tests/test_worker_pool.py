"""The query worker pool (:mod:`bgraph.server.workers`) on its own: slots as threads of one
worker process, and what a kill at one slot's deadline does to the jobs running beside it.

Each test runs a pool in a fresh interpreter (the pool forks, and must start before any event
loop), with a handler that sleeps as long as the job asks: the timings below are the test's own
choice, not measurements of bgraph."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap

import pytest


def _run_pool(body: str, *, size: int, threads: int, timeout: float) -> dict:
    code = textwrap.dedent(
        f"""
        import asyncio, json, os, threading, time
        from bgraph.server.workers import DeadlineExceeded, WorkerPool

        def handler(job):
            kind, seconds = job
            time.sleep(seconds)
            return {{"kind": kind, "pid": os.getpid(), "thread": threading.get_ident()}}

        pool = WorkerPool(handler, size={size}, threads={threads}, timeout={timeout})
        pool.start()

        async def run_timed(kind, seconds, timeout, delay=0.0):
            # (the reply, or DeadlineExceeded's message; seconds from the run's start)
            await asyncio.sleep(delay)
            start = time.monotonic()
            try:
                reply = await pool.run((kind, seconds), timeout=timeout)
            except DeadlineExceeded as exc:
                reply = str(exc)
            return reply, time.monotonic() - start
        """
    )
    return _run_script(code + textwrap.dedent(body))


#: How every script ends: its ``main()`` run on the chosen event loop, what it returns printed
#: as JSON, the pool closed.
_RUN_MAIN = """
import json
if {loop!r} == "uvloop":
    import uvloop as _loop
else:
    import asyncio as _loop
try:
    print(json.dumps(_loop.run(main())))
finally:
    pool.close()
"""


def _run_script(code: str, loop: str = "asyncio") -> dict:
    """Run ``code`` (it starts ``pool`` and defines ``async def main()``) in a fresh interpreter,
    ``main()`` on the event loop ``loop`` ("asyncio" or "uvloop"); what ``main()`` returned."""
    script = textwrap.dedent(code) + _RUN_MAIN.format(loop=loop)
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=os.environ
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_slots_are_threads_of_one_process_and_run_at_once() -> None:
    """threads=3: three slots in one process; three 0.5 s jobs finish together (in parallel),
    each in its own thread of that one process."""
    out = _run_pool(
        """
        async def main():
            start = time.monotonic()
            replies = await asyncio.gather(*(pool.run(("job", 0.5)) for _ in range(3)))
            return {"replies": replies, "took": time.monotonic() - start,
                    "processes": pool.processes, "alive": pool.alive}
        """,
        size=3,
        threads=3,
        timeout=5,
    )
    assert out["processes"] == 1 and out["alive"] == 3
    assert len({r["pid"] for r in out["replies"]}) == 1
    assert len({r["thread"] for r in out["replies"]}) == 3
    assert out["took"] < 1.4, "the three jobs ran one after another"


def test_a_kill_at_one_deadline_reruns_the_jobs_beside_it() -> None:
    """A job overruns its 1 s deadline and its process is killed; a 1.5 s job that was running
    in another thread of that process is run again in a new process and answered (not an
    error), within its own 5 s deadline; the pool is whole again afterwards."""
    out = _run_pool(
        """
        async def main():
            first_pid = next(iter(pool._procs))
            (stopped, _), (reply, took) = await asyncio.gather(
                run_timed("runaway", 30, 1.0), run_timed("beside", 1.5, 5.0, delay=0.3)
            )
            return {"stopped": stopped, "reply": reply, "took": took, "first_pid": first_pid,
                    "killed": pool.killed, "alive": pool.alive, "processes": pool.processes}
        """,
        size=2,
        threads=2,
        timeout=5,
    )
    assert "ran longer than the 1 s limit" in out["stopped"]
    assert out["reply"]["kind"] == "beside"
    assert out["reply"]["pid"] != out["first_pid"], "answered by the process that replaced it"
    # started at 0.3 s, lost at 1 s, run again for 1.5 s: about 2.2 s
    assert 1.9 < out["took"] < 4.5
    assert out["killed"] == 1 and out["alive"] == 2 and out["processes"] == 1


def test_a_rerun_job_keeps_its_own_deadline() -> None:
    """A job lost with its process is run again only within what is left of its deadline: a
    2 s job lost at 1 s with a 2.5 s deadline is stopped at 2.5 s, not given 2 s more."""
    out = _run_pool(
        """
        async def main():
            runs = [run_timed("runaway", 30, 1.0), run_timed("beside", 2.0, 2.5)]
            outcome, took = (await asyncio.gather(*runs))[1]
            return {"outcome": outcome, "took": took}
        """,
        size=2,
        threads=2,
        timeout=5,
    )
    assert "ran longer than the 2.5 s limit" in out["outcome"]
    assert 2.3 < out["took"] < 3.5


def test_a_refusal_comes_back_with_its_message_and_status() -> None:
    """A handler's BgraphError comes back to the caller as a BgraphError with the same message
    and HTTP status (whatever its constructor takes), and the worker keeps serving; any other
    exception comes back as a RuntimeError naming it."""
    result = _run_script(
        """
        from bgraph.errors import BgraphError, FormatCannotCarryError, InputError
        from bgraph.server.workers import WorkerPool

        def handler(job):
            if job == "format":
                raise FormatCannotCarryError("JSON-LD")
            if job == "input":
                raise InputError("data.ttl", "objectList expected", 3)
            if job == "bug":
                raise KeyError("x")
            return "ok"

        pool = WorkerPool(handler, size=1, threads=1, timeout=5)
        pool.start()

        async def main():
            out = []
            for job in ("format", "input", "bug", "after"):
                try:
                    out.append(["reply", await pool.run(job)])
                except BgraphError as exc:
                    out.append(["refused", str(exc), exc.http_status])
                except RuntimeError as exc:
                    out.append(["failed", str(exc)])
            return {"out": out, "killed": pool.killed}
        """
    )
    format_refused, input_refused, bug, after = result["out"]
    assert format_refused[0] == "refused" and format_refused[2] == 406
    assert format_refused[1].startswith("JSON-LD cannot carry this data")
    assert input_refused == ["refused", "data.ttl:3: objectList expected", 400]
    assert bug == ["failed", "KeyError: 'x'"]
    assert after == ["reply", "ok"]
    assert result["killed"] == 0


_CHANNEL_SCRIPT = """
import asyncio, hashlib, os, signal
from bgraph.server.workers import WorkerPool

def handler(job):
    if job == "big":  # 5 MB: many reads of the worker's socket
        return bytes(range(256)) * 20_000
    return os.getpid()

pool = WorkerPool(handler, size=1, threads=1, timeout=10)
pool.start()

async def main():
    first = await pool.run("pid")  # the slot's channel is open from here on
    os.kill(first, signal.SIGKILL)  # it dies while idle
    await asyncio.sleep(0.3)
    heard = pool._idle[0].channel.closed  # the event loop read its socket's end
    second = await pool.run("pid")
    big = await pool.run("big")
    return {"first": first, "heard": heard, "second": second,
            "digest": hashlib.sha256(big).hexdigest(), "size": len(big),
            "killed": pool.killed, "alive": pool.alive}
"""


@pytest.mark.parametrize("loop", ["uvloop", "asyncio"])
def test_a_worker_dead_while_idle_is_replaced_and_replies_arrive_whole(loop: str) -> None:
    """On the server's event loop (uvloop) and asyncio's own: a worker killed while idle, after
    its socket went onto the event loop, is noticed by the loop, and the next job is answered by
    a new worker, not refused; a 5 MB reply arrives byte for byte (sha256 of what the handler
    returned)."""
    result = _run_script(_CHANNEL_SCRIPT, loop)
    assert result["heard"] is True
    assert result["second"] != result["first"], "answered by the worker that replaced it"
    assert result["killed"] == 1 and result["alive"] == 1
    expected = hashlib.sha256(bytes(range(256)) * 20_000).hexdigest()
    assert result["size"] == 5_120_000 and result["digest"] == expected
