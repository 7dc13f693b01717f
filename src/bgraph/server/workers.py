"""Query workers: processes that hold the loaded dataset, killed when a query overruns.

A runaway query cannot be stopped inside a process (Oxigraph has no cancellation, Python's regex
engine holds the GIL), so queries run in worker processes, and a worker is killed (SIGKILL) at
its deadline.

Layout::

    main process (uvicorn, asyncio)  ──control socket──▶  zygote (forked once, single-threaded)
          │  one socketpair per slot                            │ os.fork() on request
          └──────────────────────────────────────────────▶  worker, worker, ... (copy-on-write
                                                                 copies of the loaded dataset)

A worker process has one or more *slots*: a thread each, with its own socketpair, answering one
job at a time (Oxigraph releases the GIL while it evaluates and serialises, so a process's
threads run queries in parallel). The pool runs ``threads`` slots per process: one for small
stores (processes do not share the GIL), all of them in one process for big ones, because
Oxigraph's in-memory store writes as it reads (locks, reference counts) and each process would
end up with its own copy of every page it reads (``bench/worker_memory.py``). Killing a process
at a deadline (or for a client gone) stops its other slots' jobs too: those run again in a new
process, within what is left of their own deadlines.

The zygote is forked before the server starts its event loop or any thread, so every worker is
forked from a clean single-threaded process that already holds the dataset (cold start of a
worker: a fork, a few milliseconds). The zygote passes each new worker's sockets to the main
process with ``SCM_RIGHTS``. A worker's watchdog also kills it when a job overruns its deadline
by a grace period, so it dies even if the main process is gone.

A worker first runs the pool's ``init`` (e.g. opening an on-disk store: a RocksDB handle and its
threads must be made after the fork, never inherited), then answers jobs in threads with a large
stack (``stack_mb``): Oxigraph's query parser recurses, and a long query must not overflow the
8 MiB main stack and kill the worker.

Before it forks any worker, the zygote takes the network away from itself and so from every
worker (:func:`bgraph.sandbox.deny_network`: a seccomp filter or a network namespace, enforced
by the kernel, inherited across fork and irrevocable, for every thread) and tells the pool which
mechanism holds (:attr:`WorkerPool.sandbox`: ``"seccomp"``, ``"netns"`` or ``"none"``), for
startup and /health.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
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

from ..errors import BgraphError, HttpError
from ..sandbox import deny_network

_HEADER = struct.Struct("!I")
_SPAWN = b"S"
_GRACE = 2.0  #: seconds past a job's deadline after which its worker's watchdog kills it
_SANDBOX = struct.Struct("16s")  #: the zygote's first message: the network ban that holds
_SPAWN_TIMEOUT = 5.0  #: seconds the zygote has to answer (a hung zygote is replaced)
_MAX_FD = os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 65536


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
    socks: list[socket.socket],
    handler: Callable[[Any], Any],
    memory_mb: int,
    init: Callable[[], None] | None = None,
    stack_mb: int = 0,
) -> None:
    """One worker process: a thread per slot (socket), each answering its jobs in turn, and a
    watchdog that kills the process when a job overruns its deadline by ``_GRACE`` seconds (the
    server normally kills it first, and may be gone)."""
    import threading

    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    if init is not None:
        init()
    deadlines: dict[int, float] = {}  #: slot -> monotonic time past which the process ends
    go = threading.Event()

    def jobs(slot: int, sock: socket.socket) -> None:
        go.wait()
        _serve_jobs(sock, handler, deadlines, slot)

    if stack_mb > 0:
        threading.stack_size(stack_mb * 1024 * 1024)
    threads = [
        threading.Thread(target=jobs, args=(n, sock), name=f"bgraph-worker-{n}", daemon=True)
        for n, sock in enumerate(socks)
    ]
    for thread in threads:
        thread.start()
    _limit_memory(memory_mb)  # counted from here: the threads' stacks are already mapped
    go.set()
    # every thread ends when the server closes its socket (the server is gone), unless busy
    while any(thread.is_alive() for thread in threads):
        time.sleep(0.2)
        now = time.monotonic()
        if any(now > end for end in list(deadlines.values())):
            os.kill(os.getpid(), signal.SIGKILL)


def _serve_jobs(
    sock: socket.socket, handler: Callable[[Any], Any], deadlines: dict[int, float], slot: int
) -> None:
    while True:
        try:
            deadline, job = _recv_obj(sock)
        except (EOFError, OSError):
            return
        deadlines[slot] = time.monotonic() + deadline + _GRACE
        try:
            reply = handler(job)
        except MemoryError:
            reply = MemoryError("the query needed more memory than a query may use")
        except BgraphError as exc:  # as an HttpError, which unpickles whatever exc's __init__
            reply = HttpError(str(exc), exc.http_status, exc.retry_after)
        except Exception as exc:  # the handler should never raise; report, don't die
            reply = RuntimeError(f"{type(exc).__name__}: {exc}")
        deadlines.pop(slot, None)
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
        for slots in _spawn_requests(requests):
            pairs = [socket.socketpair() for _ in range(slots)]
            pid = os.fork()
            if pid == 0:
                ctl.close()
                for ours, _theirs in pairs:
                    ours.close()
                try:
                    _worker_main([t for _o, t in pairs], handler, memory_mb, init, stack_mb)
                finally:
                    os._exit(0)
            for _ours, theirs in pairs:
                theirs.close()
            socket.send_fds(ctl, [struct.pack("!i", pid)], [o.fileno() for o, _t in pairs])
            for ours, _theirs in pairs:
                ours.close()


def _spawn_requests(data: bytes) -> list[int]:
    """The slot counts asked for: each request is ``_SPAWN`` and one byte, the count."""
    return [data[i + 1] for i in range(0, len(data) - 1, 2) if data[i : i + 1] == _SPAWN]


class _Lost(Exception):
    """The job's worker process was killed for another slot's job: run it again."""


# --- the pool (main process) ---------------------------------------------------------------------

#: The client a job runs for (its IP address), set per request by the edge middleware: the pool
#: shares its workers between clients (see :class:`WorkerPool`).
CLIENT: contextvars.ContextVar[str] = contextvars.ContextVar("bgraph_client", default="-")


@dataclass(eq=False)
class Worker:
    """One query slot: a thread of worker process ``pid``, reached through its own socket."""

    pid: int
    sock: socket.socket
    jobs: int = 0
    #: its process was killed for another slot's job: the job it was running is run again
    lost: bool = False
    #: the socket on the event loop, from the slot's first job on (it then owns the socket)
    channel: _Channel | None = None

    def gone(self) -> bool:
        """True when the worker's end of the socket is closed (it died): an idle worker sends
        nothing, so anything readable on its socket is that. Asked of the socket itself too:
        the channel hears of a death only when the event loop next reads."""
        return (self.channel is not None and self.channel.closed) or _closed(self.sock)

    def close(self) -> None:
        if self.channel is not None:
            self.channel.close()
        else:
            self.sock.close()


class _Channel(asyncio.Protocol):
    """A slot's socket on the event loop: it writes a job and collects the one reply it gets.

    The socket stays registered with the loop for good, and its reply is read as it arrives:
    ``loop.sock_recv`` registers and unregisters the socket for every reply (two ``epoll_ctl``
    calls and a future each): with an echo worker, 68 µs of the server's CPU per round trip
    against 25 µs here; per ASK request, 485 µs against 445 (bench/request_floor.py)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.reply: asyncio.Future[Any] | None = None
        self.closed = False

    @classmethod
    async def open(cls, sock: socket.socket) -> _Channel:
        loop = asyncio.get_running_loop()
        _transport, channel = await loop.connect_accepted_socket(lambda: cls(sock), sock=sock)
        return channel

    def send(self, message: bytes) -> asyncio.Future[Any]:
        """Write ``message``; the future of its reply (EOFError if the worker ends first)."""
        assert self.transport is not None
        self.reply = asyncio.get_running_loop().create_future()
        self.transport.write(message)
        return self.reply

    def close(self) -> None:
        self.closed = True
        try:
            if self.transport is not None:
                self.transport.abort()
        except RuntimeError:  # the event loop is closed (the server stopped): close it here
            fd = self.sock.detach()  # -1 if the transport closed it already
            if fd >= 0:
                os.close(fd)

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is no subclass

    def data_received(self, data: bytes) -> None:
        self.buf += data
        if _missing(self.buf) > 0:
            return
        reply, buf = self.reply, self.buf
        self.reply, self.buf = None, bytearray()
        if reply is not None and not reply.done():
            try:
                reply.set_result(_unpack(buf))
            except Exception as exc:  # an unreadable reply: as if the worker had died
                reply.set_exception(EOFError(f"unreadable reply from a worker: {exc}"))

    def eof_received(self) -> bool:
        self._end(EOFError("the worker closed its socket"))
        return False  # close the transport

    def connection_lost(self, exc: Exception | None) -> None:
        self._end(exc or EOFError("the worker closed its socket"))

    def _end(self, exc: BaseException) -> None:
        self.closed = True
        if self.reply is not None and not self.reply.done():
            self.reply.set_exception(exc)


@dataclass
class ClientShare:
    """What one client has running, waiting, and has used lately (worker-seconds, decaying)."""

    running: int = 0
    waiting: int = 0
    usage: float = 0.0  #: worker-seconds used, decaying
    longest: float = 0.0  #: its longest recent job (seconds), decaying
    stamp: float = 0.0
    started: float = 0.0  #: the sum of its running jobs' start times

    def _decay(self, now: float, half_life: float) -> float:
        return 0.5 ** ((now - self.stamp) / half_life)

    def used(self, now: float, half_life: float) -> float:
        return self.usage * self._decay(now, half_life)

    def slowest(self, now: float, half_life: float) -> float:
        """Its longest recent job, or the time its running jobs have taken so far if more."""
        running = self.running * now - self.started
        return max(self.longest * self._decay(now, half_life), running)

    def charge(self, seconds: float, now: float, half_life: float) -> None:
        decay = self._decay(now, half_life)
        self.usage = self.usage * decay + seconds
        self.longest = max(self.longest * decay, seconds)
        self.stamp = now


@dataclass(eq=False)
class _Waiter:
    seq: int
    client: str
    future: asyncio.Future[Worker]


class WorkerPool:
    """A bounded set of workers; :meth:`run` sends a job to a free one under a deadline.

    **Sharing.** ``size`` workers take any client's jobs; ``reserve`` more take only the jobs of
    a *light* client: one whose recent jobs each took less than ``light_seconds`` (the longest
    decaying by half every ``HALF_LIFE`` seconds), running ones included. A client's slow
    queries (or a few slow clients' queries) can fill the ``size`` workers, not the reserve;
    many cheap queries keep a client light, so cheap queries from everyone keep being
    answered. After a slow query of ``d`` seconds, the reserve is closed to its client for
    ``HALF_LIFE * log2(d / light_seconds)`` seconds. A new client's first slow query may take
    a reserve worker once, until its deadline: many new addresses at once are what rate
    limiting by IP in front of the server is for. Jobs that wait are served fewest running
    first, then least recent usage, then first come; one client may hold at most
    ``max_waiting // 4`` (at least 1) of the waiting places.

    **Supervision.** :meth:`supervise` (a task on the server's event loop) replaces whatever
    died: a worker that ended while idle (found by its socket closing), a worker killed at a
    deadline or lost with its client, and the zygote itself (forked again from this process,
    which still holds the dataset, with every inherited descriptor but its socket closed).
    Capacity returns to ``size + reserve`` without a restart; :attr:`alive` counts the workers
    that answer, and :meth:`healthy` says whether the pool is whole.
    """

    HALF_LIFE = 30.0

    def __init__(
        self,
        handler: Callable[[Any], Any],
        size: int = 3,
        max_waiting: int = 32,
        timeout: float = 10.0,
        memory_mb: int = 1024,
        init: Callable[[], None] | None = None,
        stack_mb: int = 0,
        reserve: int = 0,
        light_seconds: float = 1.0,
        threads: int = 1,
    ) -> None:
        if size < 1 or threads < 1:
            raise ValueError("a pool needs at least one worker")
        self.handler = handler
        self.init = init
        self.stack_mb = stack_mb
        self.size = size
        self.reserve = max(0, reserve)
        self.light_seconds = light_seconds
        self.max_waiting = max_waiting
        self.per_client_waiting = max(1, max_waiting // 4)
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.threads = threads  #: slots (threads) per worker process
        self._ctl: socket.socket | None = None
        self._zygote = 0
        self._procs: dict[int, list[Worker]] = {}  #: worker process -> its slots
        self._idle: list[Worker] = []
        self._waiters: list[_Waiter] = []
        self._clients: dict[str, ClientShare] = {}
        self._seq = 0
        self.busy = 0
        self.killed = 0
        self.respawned = 0  #: workers started to replace others
        self._supervisor: asyncio.Task[None] | None = None
        #: how the workers are kept off the network (bgraph.sandbox), known once started
        self.sandbox = "none"

    @property
    def capacity(self) -> int:
        return self.size + self.reserve

    # lifecycle

    def start(self, close_in_children: Iterable[int] = ()) -> None:
        """Fork the zygote and the workers. Call before any thread or event loop exists."""
        del close_in_children  # the zygote closes every descriptor but its own socket
        self._fork_zygote()
        while self.alive < self.capacity:
            self._idle += self._spawn()

    def _fork_zygote(self) -> None:
        ours, theirs = socket.socketpair()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the zygote
            try:
                with contextlib.suppress(ValueError, OSError):
                    signal.set_wakeup_fd(-1)  # the server's event loop is not ours
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's job
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                keep = theirs.fileno()
                # the listening socket, clients' connections, other workers' sockets: a fork
                # holding one would keep it open after the server closes it
                os.closerange(3, keep)
                os.closerange(keep + 1, _MAX_FD)
                # before any worker exists: every worker inherits the ban
                theirs.sendall(_SANDBOX.pack(deny_network().encode("ascii")))
                _zygote_main(theirs, self.handler, self.memory_mb, parent, self.init, self.stack_mb)
            finally:
                os._exit(0)
        theirs.close()
        ours.settimeout(_SPAWN_TIMEOUT)
        try:
            (mechanism,) = _SANDBOX.unpack(_recv_exact(ours, _SANDBOX.size))
        except (EOFError, OSError):
            ours.close()
            with contextlib.suppress(ChildProcessError, ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            raise WorkerDied("the worker factory (zygote) ended while starting") from None
        self._ctl, self._zygote = ours, pid
        self.sandbox = mechanism.rstrip(b"\0").decode("ascii")

    def _spawn(self) -> list[Worker]:
        """A new worker process, with as many slots as capacity still lacks (``threads`` at
        most)."""
        if self._ctl is None:
            raise WorkerDied("the worker factory (zygote) is gone")
        slots = max(1, min(self.threads, self.capacity - self.alive))
        try:
            self._ctl.sendall(_SPAWN + bytes([slots]))
            msg, fds, _flags, _addr = socket.recv_fds(self._ctl, 16, slots)
        except OSError:
            msg, fds = b"", []
        if not msg or len(fds) != slots:
            for fd in fds:
                os.close(fd)
            self._lose_zygote()
            raise WorkerDied("the worker factory (zygote) is gone")
        (pid,) = struct.unpack("!i", msg[:4])
        workers = [Worker(pid, socket.socket(fileno=fd)) for fd in fds]
        for worker in workers:
            worker.sock.setblocking(False)
        self._procs[pid] = workers
        return workers

    def _lose_zygote(self) -> None:
        if self._ctl is not None:
            self._ctl.close()
            self._ctl = None
        if self._zygote:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._zygote, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._zygote, 0)
            self._zygote = 0

    def close(self) -> None:
        """Kill every worker and the zygote."""
        if self._supervisor is not None:
            self._supervisor.cancel()
            self._supervisor = None
        for workers in list(self._procs.values()):
            self._kill(workers[0])
        self._idle.clear()
        self._lose_zygote()

    def _kill(self, worker: Worker) -> None:
        """Kill the worker's process (once) and close the slot. Its other slots go too: idle
        ones at once; a busy one is marked lost, and its job runs again (:meth:`run`)."""
        slots = self._procs.pop(worker.pid, None)
        if slots is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.pid, signal.SIGKILL)
            self.killed += 1
            for slot in slots:
                if slot in self._idle:
                    self._idle.remove(slot)
                    slot.close()
                elif slot is not worker:
                    slot.lost = True
        worker.close()

    def _replace(self, worker: Worker) -> None:
        self._kill(worker)
        self.refill()

    def refill(self) -> int:
        """Start workers (and a zygote, if it died) up to capacity; the number started."""
        started = 0
        for attempt in range(2):
            try:
                if self._ctl is None or not self._zygote_alive():
                    self._lose_zygote()
                    self._fork_zygote()
                while self.alive < self.capacity:
                    new = self._spawn()
                    self._idle += new
                    started += len(new)
                    self.respawned += len(new)
                break
            except (OSError, WorkerDied):
                if attempt:
                    break  # the supervisor tries again
        if started:
            self._dispatch()
        return started

    def _zygote_alive(self) -> bool:
        if not self._zygote:
            return False
        try:
            pid, _status = os.waitpid(self._zygote, os.WNOHANG)
        except ChildProcessError:
            return False
        return pid == 0

    def _reap_idle(self) -> None:
        """Drop idle workers that died (their socket reads as closed: they never send unasked)."""
        for worker in [w for w in self._idle if w.gone()]:
            if worker in self._idle:  # not gone already with another slot of its process
                self._idle.remove(worker)
                self._kill(worker)

    async def supervise(self, every: float = 0.5) -> None:
        """Replace dead workers and a dead zygote, forever (run as a task by the server)."""
        while True:
            await asyncio.sleep(every)
            try:
                self._reap_idle()
                if self.alive < self.capacity or not self._zygote_alive():
                    self.refill()
                self._forget_clients()
            except Exception:  # keep supervising whatever happened
                continue

    def start_supervising(self) -> None:
        if self._supervisor is None:
            self._supervisor = asyncio.get_running_loop().create_task(self.supervise())

    # status

    @property
    def idle(self) -> int:
        return len(self._idle)

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    @property
    def processes(self) -> int:
        return len(self._procs)

    @property
    def alive(self) -> int:
        return sum(len(slots) for slots in self._procs.values())

    def healthy(self) -> bool:
        return self.alive >= self.capacity and self._zygote_alive()

    def retry_after(self) -> int:
        return max(1, math.ceil(self.timeout / 2))

    def clients(self) -> int:
        return len(self._clients)

    # sharing the workers

    def _share(self, client: str) -> ClientShare:
        share = self._clients.get(client)
        if share is None:
            share = self._clients[client] = ClientShare(stamp=time.monotonic())
        return share

    def _may_start(self, share: ClientShare, now: float) -> bool:
        if not self._idle:
            return False
        if self.busy < self.size:
            return True
        light = share.slowest(now, self.HALF_LIFE) < self.light_seconds
        return light and self.busy < self.capacity

    def _take(self, share: ClientShare) -> Worker:
        share.running += 1
        share.started += time.monotonic()
        self.busy += 1
        return self._idle.pop()

    def _dispatch(self) -> None:
        """Give free workers to waiting jobs, best first."""
        now = time.monotonic()
        while self._idle and self._waiters:
            self._waiters = [w for w in self._waiters if not w.future.done()]
            ranked = sorted(
                self._waiters,
                key=lambda w: (
                    self._share(w.client).running,
                    self._share(w.client).used(now, self.HALF_LIFE),
                    w.seq,
                ),
            )
            chosen = next((w for w in ranked if self._may_start(self._share(w.client), now)), None)
            if chosen is None:
                return
            self._waiters.remove(chosen)
            chosen.future.set_result(self._take(self._share(chosen.client)))

    def _release(self, worker: Worker | None, client: str, seconds: float) -> None:
        share = self._share(client)
        now = time.monotonic()
        share.running -= 1
        share.started = share.started - (now - seconds) if share.running else 0.0
        share.charge(seconds, now, self.HALF_LIFE)
        self.busy -= 1
        if worker is not None:
            self._idle.append(worker)
        self._dispatch()

    def _forget_clients(self) -> None:
        now = time.monotonic()
        for name, share in list(self._clients.items()):
            if not share.running and not share.waiting and share.used(now, self.HALF_LIFE) < 0.01:
                del self._clients[name]

    async def _acquire(self, client: str) -> Worker:
        share = self._share(client)
        now = time.monotonic()
        if not self._waiters and self._may_start(share, now):
            return self._take(share)
        if len(self._waiters) >= self.max_waiting:
            raise Overloaded(
                f"the server is busy: all {self.size} query workers are running and "
                f"{len(self._waiters)} queries are waiting; retry later",
                self.retry_after(),
            )
        if share.waiting >= self.per_client_waiting:
            raise Overloaded(
                f"you have {share.waiting} queries waiting for a worker already (at most "
                f"{self.per_client_waiting} per client); retry when they are answered",
                self.retry_after(),
            )
        self._seq += 1
        waiter = _Waiter(self._seq, client, asyncio.get_running_loop().create_future())
        self._waiters.append(waiter)
        share.waiting += 1
        self._dispatch()
        try:
            async with asyncio.timeout(self.timeout):
                return await waiter.future
        except BaseException as exc:
            if waiter in self._waiters:
                self._waiters.remove(waiter)
            elif waiter.future.done() and not waiter.future.cancelled():
                # given a worker, but cancelled (client gone) or timed out before taking it
                self._release(waiter.future.result(), client, 0.0)
            if isinstance(exc, TimeoutError):
                raise Overloaded(
                    f"the server is busy: no query worker became free within "
                    f"{self.timeout:g} s; retry later",
                    self.retry_after(),
                ) from None
            raise
        finally:
            share.waiting -= 1

    # running a job

    async def run(self, job: Any, timeout: float | None = None) -> Any:
        """The handler's reply to ``job``, computed in a worker within ``timeout`` seconds.

        A job whose worker process was killed for another slot's job (a deadline, a client
        gone) runs again in a new process, within what is left of its own deadline."""
        limit = self.timeout if timeout is None else timeout
        ends = time.monotonic() + limit
        left = limit
        while True:
            try:
                return await self._run_once(job, left, limit)
            except _Lost:
                left = ends - time.monotonic()
                if left <= 0:
                    raise self._deadline(limit) from None

    def _deadline(self, timeout: float) -> DeadlineExceeded:
        return DeadlineExceeded(
            f"the query ran longer than the {timeout:g} s limit and was stopped; "
            "make it more selective (LIMIT, more specific patterns)",
            self.retry_after(),
        )

    async def _run_once(self, job: Any, timeout: float, limit: float) -> Any:
        client = CLIENT.get()
        message = _pack((timeout, job))
        for _attempt in range(3):
            worker = await self._acquire(client)
            try:
                if worker.gone():
                    raise BrokenPipeError
                if worker.channel is None:
                    worker.channel = await _Channel.open(worker.sock)
                answer = worker.channel.send(message)
                break
            except OSError:  # it died while idle: the job goes to another worker
                self._kill(worker)
                self._release(None, client, 0.0)
                self.refill()
        else:
            raise WorkerDied("no query worker could take the query; retry later")
        started = time.monotonic()
        kept: Worker | None = None
        try:
            async with asyncio.timeout(timeout):
                reply = await answer
        except TimeoutError:
            self._replace(worker)
            raise self._deadline(limit) from None
        except (EOFError, OSError):
            lost = worker.lost
            self._replace(worker)
            if lost:
                raise _Lost from None
            raise WorkerDied(
                "the query worker ended without answering (memory limit?); "
                "the query was not completed"
            ) from None
        except BaseException:  # cancelled: the client went away or the server stops
            self._replace(worker)
            raise
        else:
            worker.jobs += 1
            kept = worker
        finally:
            self._release(kept, client, time.monotonic() - started)
        if isinstance(reply, MemoryError):
            raise WorkerDied(str(reply))
        if isinstance(reply, Exception):
            raise reply
        return reply


def _missing(buf: bytearray) -> int:
    """Bytes of the reply in ``buf`` still to come (zero or less when it is whole)."""
    if len(buf) < _HEADER.size:
        return _HEADER.size - len(buf)
    (size,) = _HEADER.unpack_from(buf)
    return _HEADER.size + size - len(buf)


def _unpack(buf: bytearray) -> Any:
    (size,) = _HEADER.unpack_from(buf)
    return pickle.loads(memoryview(buf)[_HEADER.size : _HEADER.size + size])


def _closed(sock: socket.socket) -> bool:
    """True when a worker's socket has something to read: an idle worker sends nothing, so
    that is its end closing (it died)."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)
