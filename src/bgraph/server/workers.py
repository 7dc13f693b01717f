"""Query workers: processes that hold the loaded dataset, each killed when its query overruns.

Python's regex engine and rdflib's joins hold the GIL, so a runaway query cannot be stopped in a
thread; it runs in a worker process instead, and the worker is killed (SIGKILL) at its deadline.

Layout::

    main process (uvicorn, asyncio)  ──control socket──▶  zygote (forked once, single-threaded)
          │  one socketpair per worker                          │ os.fork() on request
          └──────────────────────────────────────────────▶  worker, worker, ... (copy-on-write
                                                                 copies of the loaded dataset)

The zygote is forked before the server starts its event loop or any thread, so every worker is
forked from a clean single-threaded process that already holds the dataset (cold start of a
worker: a fork, a few milliseconds). The zygote passes each new worker's end of its socketpair to
the main process with ``SCM_RIGHTS``. A worker also arms ``SIGALRM`` (default action: terminate)
for its own deadline plus a grace period, so it dies even if the main process is gone.

A worker first runs the pool's ``init`` (e.g. opening an on-disk store: a RocksDB handle and its
threads must be made after the fork, never inherited), then answers jobs in a thread with a large
stack (``stack_mb``): Oxigraph's query parser recurses, and a long query must not overflow the
8 MiB main stack and kill the worker.

Before it forks any worker, the zygote takes the network away from itself and so from every
worker (:func:`bgraph.sandbox.deny_network`: a seccomp filter or a network namespace, enforced
by the kernel, inherited across fork and irrevocable) and tells the pool which mechanism holds
(:attr:`WorkerPool.sandbox`: ``"seccomp"``, ``"netns"`` or ``"none"``), for startup and /health.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import pickle
import resource
import select
import signal
import socket
import struct
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import BgraphError
from ..sandbox import deny_network

_HEADER = struct.Struct("!I")
_SPAWN = b"S"
_GRACE = 2.0  #: seconds a worker gives itself past the deadline before SIGALRM ends it
_SANDBOX = struct.Struct("16s")  #: the zygote's first message: the network ban that holds


class Overloaded(BgraphError):
    """Every worker is busy and the queue is full, or no worker freed up in time: 503."""

    http_status = 503

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class DeadlineExceeded(BgraphError):
    """The query ran past its deadline and its worker was killed: 503."""

    http_status = 503

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class WorkerDied(BgraphError):
    """The worker ended without answering (memory limit, crash): 503."""

    http_status = 503
    retry_after = 1


# --- framing (both sides) ------------------------------------------------------------------------


def _pack(obj: Any) -> bytes:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(data)) + data


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError("peer closed")
        buf += chunk
    return bytes(buf)


def _recv_obj(sock: socket.socket) -> Any:
    (size,) = _HEADER.unpack(_recv_exact(sock, _HEADER.size))
    return pickle.loads(_recv_exact(sock, size))


# --- zygote and worker (child processes) ---------------------------------------------------------


def _limit_memory(megabytes: int) -> None:
    """Cap the worker's address space at its current size + ``megabytes`` (MemoryError past it)."""
    if megabytes <= 0:
        return
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[0])
        current = pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return
    limit = current + megabytes * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _worker_main(
    sock: socket.socket,
    handler: Callable[[Any], Any],
    memory_mb: int,
    init: Callable[[], None] | None = None,
    stack_mb: int = 0,
) -> None:
    import threading

    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # default action: terminate the process
    if init is not None:
        init()
    if stack_mb <= 0:
        _limit_memory(memory_mb)
        _serve_jobs(sock, handler)
        return
    go = threading.Event()

    def jobs() -> None:
        go.wait()
        _serve_jobs(sock, handler)

    threading.stack_size(stack_mb * 1024 * 1024)
    thread = threading.Thread(target=jobs, name="bgraph-worker")
    thread.start()
    _limit_memory(memory_mb)  # counted from here: the thread's stack is already mapped
    go.set()
    thread.join()


def _serve_jobs(sock: socket.socket, handler: Callable[[Any], Any]) -> None:
    while True:
        try:
            deadline, job = _recv_obj(sock)
        except (EOFError, OSError):
            return
        signal.setitimer(signal.ITIMER_REAL, deadline + _GRACE)
        try:
            reply = handler(job)
        except MemoryError:
            reply = MemoryError("the query needed more memory than a query may use")
        except Exception as exc:  # the handler should never raise; report, don't die
            reply = RuntimeError(f"{type(exc).__name__}: {exc}")
        signal.setitimer(signal.ITIMER_REAL, 0)
        try:
            sock.sendall(_pack(reply))
        except OSError:
            return


def _zygote_main(
    ctl: socket.socket,
    handler: Callable[[Any], Any],
    memory_mb: int,
    parent: int,
    init: Callable[[], None] | None = None,
    stack_mb: int = 0,
) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps killed workers
    while True:
        ready, _, _ = select.select([ctl], [], [], 1.0)
        if os.getppid() != parent:
            return  # the server is gone
        if not ready:
            continue
        try:
            requests = ctl.recv(64)
        except OSError:
            return
        if not requests:
            return
        for _ in range(requests.count(_SPAWN)):
            ours, theirs = socket.socketpair()
            pid = os.fork()
            if pid == 0:
                ctl.close()
                ours.close()
                try:
                    _worker_main(theirs, handler, memory_mb, init, stack_mb)
                finally:
                    os._exit(0)
            theirs.close()
            socket.send_fds(ctl, [struct.pack("!i", pid)], [ours.fileno()])
            ours.close()


# --- the pool (main process) ---------------------------------------------------------------------


@dataclass
class Worker:
    pid: int
    sock: socket.socket
    jobs: int = 0


class WorkerPool:
    """A bounded set of workers; :meth:`run` sends a job to a free one under a deadline."""

    def __init__(
        self,
        handler: Callable[[Any], Any],
        size: int = 3,
        max_waiting: int = 32,
        timeout: float = 10.0,
        memory_mb: int = 1024,
        init: Callable[[], None] | None = None,
        stack_mb: int = 0,
    ) -> None:
        if size < 1:
            raise ValueError("a pool needs at least one worker")
        self.handler = handler
        self.init = init
        self.stack_mb = stack_mb
        self.size = size
        self.max_waiting = max_waiting
        self.timeout = timeout
        self.memory_mb = memory_mb
        self._ctl: socket.socket | None = None
        self._zygote = 0
        self._workers: dict[int, Worker] = {}
        self._idle: asyncio.Queue[Worker] | None = None
        self._pending_idle: list[Worker] = []
        self._waiting = 0
        self.busy = 0
        self.killed = 0
        self.started_at = 0.0
        #: how the workers are kept off the network (bgraph.sandbox), known once started
        self.sandbox = "none"

    # lifecycle

    def start(self, close_in_children: Iterable[int] = ()) -> None:
        """Fork the zygote and the workers. Call before any thread or event loop exists."""
        ours, theirs = socket.socketpair()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the zygote
            ours.close()
            for fd in close_in_children:
                with contextlib.suppress(OSError):
                    os.close(fd)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's job
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            try:
                # before any worker exists: every worker inherits the ban
                theirs.sendall(_SANDBOX.pack(deny_network().encode("ascii")))
                _zygote_main(theirs, self.handler, self.memory_mb, parent, self.init, self.stack_mb)
            finally:
                os._exit(0)
        theirs.close()
        ours.settimeout(10.0)
        self._ctl, self._zygote = ours, pid
        try:
            (mechanism,) = _SANDBOX.unpack(_recv_exact(ours, _SANDBOX.size))
        except (EOFError, OSError):
            raise WorkerDied("the worker factory (zygote) ended while starting") from None
        self.sandbox = mechanism.rstrip(b"\0").decode("ascii")
        self.started_at = time.monotonic()
        for _ in range(self.size):
            self._pending_idle.append(self._spawn())

    def _spawn(self) -> Worker:
        assert self._ctl is not None, "pool not started"
        self._ctl.sendall(_SPAWN)
        msg, fds, _flags, _addr = socket.recv_fds(self._ctl, 16, 1)
        if not msg or not fds:
            raise WorkerDied("the worker factory (zygote) is gone")
        (pid,) = struct.unpack("!i", msg[:4])
        sock = socket.socket(fileno=fds[0])
        sock.setblocking(False)
        worker = Worker(pid, sock)
        self._workers[pid] = worker
        return worker

    def close(self) -> None:
        """Kill every worker and the zygote."""
        for worker in list(self._workers.values()):
            self._kill(worker)
        if self._ctl is not None:
            self._ctl.close()
            self._ctl = None
        if self._zygote:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._zygote, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._zygote, 0)
            self._zygote = 0

    def _kill(self, worker: Worker) -> None:
        self._workers.pop(worker.pid, None)
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.pid, signal.SIGKILL)
        worker.sock.close()
        self.killed += 1

    def _replace(self, worker: Worker) -> None:
        self._kill(worker)
        try:
            self._queue().put_nowait(self._spawn())
        except (OSError, WorkerDied):
            pass  # the pool shrinks; /health reports it

    def _queue(self) -> asyncio.Queue[Worker]:
        if self._idle is None:
            self._idle = asyncio.Queue()
            for w in self._pending_idle:
                self._idle.put_nowait(w)
            self._pending_idle.clear()
        return self._idle

    # status

    @property
    def idle(self) -> int:
        return self._queue().qsize()

    @property
    def waiting(self) -> int:
        return self._waiting

    @property
    def alive(self) -> int:
        return len(self._workers)

    def retry_after(self) -> int:
        return max(1, math.ceil(self.timeout / 2))

    # running a job

    async def run(self, job: Any, timeout: float | None = None) -> Any:
        """The handler's reply to ``job``, computed in a worker within ``timeout`` seconds."""
        timeout = self.timeout if timeout is None else timeout
        worker = await self._acquire()
        self.busy += 1
        try:
            loop = asyncio.get_running_loop()
            await loop.sock_sendall(worker.sock, _pack((timeout, job)))
            async with asyncio.timeout(timeout):
                reply = await self._receive(worker)
        except TimeoutError:
            self._replace(worker)
            raise DeadlineExceeded(
                f"the query ran longer than the {timeout:g} s limit and was stopped; "
                "make it more selective (LIMIT, more specific patterns)",
                self.retry_after(),
            ) from None
        except (EOFError, OSError):
            self._replace(worker)
            raise WorkerDied(
                "the query worker ended without answering (memory limit?); "
                "the query was not completed"
            ) from None
        except BaseException:  # cancelled: the client went away or the server stops
            self._replace(worker)
            raise
        finally:
            self.busy -= 1
        worker.jobs += 1
        self._queue().put_nowait(worker)
        if isinstance(reply, MemoryError):
            raise WorkerDied(str(reply))
        if isinstance(reply, Exception):
            raise reply
        return reply

    async def _acquire(self) -> Worker:
        queue = self._queue()
        if queue.qsize():
            return queue.get_nowait()
        if self._waiting >= self.max_waiting:
            raise Overloaded(
                f"the server is busy: all {self.size} query workers are running and "
                f"{self._waiting} queries are waiting; retry later",
                self.retry_after(),
            )
        self._waiting += 1
        try:
            return await asyncio.wait_for(queue.get(), self.timeout)
        except TimeoutError:
            raise Overloaded(
                f"the server is busy: no query worker became free within {self.timeout:g} s; "
                "retry later",
                self.retry_after(),
            ) from None
        finally:
            self._waiting -= 1

    async def _receive(self, worker: Worker) -> Any:
        """One reply: a worker sends nothing else, so whatever arrives belongs to it (header and
        body usually in one read)."""
        loop = asyncio.get_running_loop()
        buf = bytearray()
        while True:
            chunk = await loop.sock_recv(worker.sock, 1 << 20)
            if not chunk:
                raise EOFError("worker closed its socket")
            buf += chunk
            if len(buf) >= _HEADER.size:
                (size,) = _HEADER.unpack_from(buf)
                if len(buf) >= _HEADER.size + size:
                    return pickle.loads(memoryview(buf)[_HEADER.size : _HEADER.size + size])
