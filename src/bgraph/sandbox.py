"""No network for a process, enforced by the kernel: :func:`deny_network`.

pyoxigraph runs ``SERVICE <http://…>`` from Rust, below anything Python can watch (an audit hook
never sees it), so the query workers must be unable to open a network socket at all. Two
mechanisms, tried in this order:

``"seccomp"``
    A seccomp-BPF filter (``prctl(PR_SET_NO_NEW_PRIVS)`` then ``seccomp(SECCOMP_SET_MODE_FILTER,
    SECCOMP_FILTER_FLAG_TSYNC)``, or ``prctl(PR_SET_SECCOMP)`` on kernels without the syscall):
    ``socket()`` with any domain but ``AF_UNIX`` fails with ``EACCES`` (AF_INET, AF_INET6,
    AF_NETLINK, AF_PACKET, …; the workers talk to the server over a unix socketpair, which still
    works); ``io_uring_setup/enter/register`` fail with ``ENOSYS`` (io_uring can create sockets
    without the ``socket()`` syscall); on x86_64 every x32-ABI syscall and, on both x86_64 and
    aarch64, every syscall made under another architecture (i386 ``int 0x80``, arm32 compat)
    fails with ``EPERM``. Everything else is allowed. The filter cannot be removed, holds for
    every thread (TSYNC) and is inherited by every child.
``"netns"``
    Where seccomp is unavailable: ``unshare(CLONE_NEWNET)`` (root or CAP_SYS_ADMIN), else
    ``unshare(CLONE_NEWUSER | CLONE_NEWNET)`` (unprivileged user namespaces; single-threaded
    processes only). The process gets a network namespace of its own with no interface but a
    loopback that is down: sockets can be created but reach nothing, not even 127.0.0.1. It
    holds for the calling thread and the children it forks (call it before starting threads).

Where the kernel offers neither (not Linux, seccomp compiled out and user namespaces disabled,
or a container policy that forbids both), :func:`deny_network` returns ``"none"`` and nothing
below Python stops a worker from connecting: the only protection left is the query guard
(:func:`bgraph.sparql.check_query`), which refuses SERVICE before Oxigraph sees a query. A
caller that must not run that way passes ``required=True`` and gets
:class:`SandboxUnavailable`. The server reports the mechanism at startup and in ``/health``.

Everything the filter needs is built when this module is imported, so the call right after a
``fork()`` is a few ``prctl``/``syscall`` calls through ctypes. Pure standard library.
"""

from __future__ import annotations

import ctypes
import os
import platform
import socket
import struct
import sys
from collections.abc import Sequence

from .errors import BgraphError

MECHANISMS = ("seccomp", "netns")

# <linux/prctl.h>, <linux/seccomp.h>, <linux/filter.h>, <linux/audit.h>, <sched.h>
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1
_SECCOMP_RET_ALLOW = 0x7FFF0000
_SECCOMP_RET_ERRNO = 0x00050000
_BPF_LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_BPF_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_BPF_JGE_K = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_BPF_RET_K = 0x06  # BPF_RET | BPF_K
_EPERM, _EACCES, _ENOSYS = 1, 13, 38
_X32_SYSCALL_BIT = 0x40000000
_IO_URING = (425, 426, 427)  # io_uring_setup, io_uring_enter, io_uring_register (all arches)
_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000


class _Arch:
    def __init__(self, audit: int, nr_socket: int, nr_seccomp: int, x32: bool) -> None:
        self.audit, self.nr_socket, self.nr_seccomp, self.x32 = audit, nr_socket, nr_seccomp, x32


_ARCHES = {
    "x86_64": _Arch(0xC000003E, 41, 317, True),  # AUDIT_ARCH_X86_64
    "aarch64": _Arch(0xC00000B7, 198, 277, False),  # AUDIT_ARCH_AARCH64
}


class SandboxUnavailable(BgraphError):
    """The kernel offers no way to take the network away from this process."""

    http_status = 500


def _assemble(arch: _Arch) -> bytes:
    """The BPF program (struct sock_filter[]): see the module docstring for what it does."""
    prog: list[tuple[int, str | int, str | int, int]] = [  # code, jt, jf (labels or 0), k
        (_BPF_LD_W_ABS, 0, 0, 4),  # A = seccomp_data.arch
        (_BPF_JEQ_K, 0, "foreign", arch.audit),
        (_BPF_LD_W_ABS, 0, 0, 0),  # A = seccomp_data.nr
    ]
    if arch.x32:
        prog.append((_BPF_JGE_K, "foreign", 0, _X32_SYSCALL_BIT))
    prog.append((_BPF_JEQ_K, "socket", 0, arch.nr_socket))
    prog += [(_BPF_JEQ_K, "nosys", 0, nr) for nr in _IO_URING]
    labels: dict[str, int] = {}
    prog.append((_BPF_RET_K, 0, 0, _SECCOMP_RET_ALLOW))
    labels["socket"] = len(prog)
    prog.append((_BPF_LD_W_ABS, 0, 0, 16))  # A = low 32 bits of args[0], the domain
    prog.append((_BPF_JEQ_K, 0, 1, socket.AF_UNIX))
    prog.append((_BPF_RET_K, 0, 0, _SECCOMP_RET_ALLOW))
    prog.append((_BPF_RET_K, 0, 0, _SECCOMP_RET_ERRNO | _EACCES))
    labels["nosys"] = len(prog)
    prog.append((_BPF_RET_K, 0, 0, _SECCOMP_RET_ERRNO | _ENOSYS))
    labels["foreign"] = len(prog)
    prog.append((_BPF_RET_K, 0, 0, _SECCOMP_RET_ERRNO | _EPERM))

    def offset(i: int, target: str | int) -> int:
        if isinstance(target, int):
            return target
        jump = labels[target] - (i + 1)
        assert 0 <= jump < 256, "BPF jumps are forward and short"
        return jump

    return b"".join(
        struct.pack("=HBBI", code, offset(i, jt), offset(i, jf), k)
        for i, (code, jt, jf, k) in enumerate(prog)
    )


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


# Built at import time, so that the call after fork() allocates nothing of note.
_ARCH = _ARCHES.get(platform.machine()) if sys.platform == "linux" else None
_FILTER = ctypes.create_string_buffer(_assemble(_ARCH)) if _ARCH is not None else None
_PROG = (
    _SockFprog(len(_FILTER.raw) // 8, ctypes.cast(_FILTER, ctypes.c_void_p))
    if _FILTER is not None
    else None
)
try:
    _LIBC: ctypes.CDLL | None = (
        ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None
    )
except OSError:
    _LIBC = None
_installed: str | None = None  # what holds in this process (inherited across fork, as it is)


def deny_network(mechanisms: Sequence[str] = MECHANISMS, *, required: bool = False) -> str:
    """Take the network away from this process and its future children, irrevocably.

    Returns the mechanism that holds: ``"seccomp"`` or ``"netns"`` (see the module docstring),
    or ``"none"`` when the kernel allows neither (then, with ``required=True``,
    :class:`SandboxUnavailable` is raised instead). Calling it again returns what holds.
    ``mechanisms`` restricts the ones tried (tests use it to exercise the fallback).
    """
    global _installed
    if _installed is not None:
        return _installed
    for name in mechanisms:
        if name == "seccomp" and _seccomp():
            _installed = "seccomp"
            return _installed
        if name == "netns" and _netns():
            _installed = "netns"
            return _installed
    if required:
        raise SandboxUnavailable(
            "cannot take the network away from the query workers: this kernel allows neither "
            "a seccomp filter nor a network namespace here (see bgraph.sandbox)"
        )
    return "none"


def status() -> str:
    """The mechanism installed in this process by :func:`deny_network`, or ``"none"``."""
    return _installed or "none"


def _seccomp() -> bool:
    if _LIBC is None or _PROG is None or _ARCH is None:
        return False
    if _LIBC.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    done = _LIBC.syscall(
        ctypes.c_long(_ARCH.nr_seccomp),
        ctypes.c_long(_SECCOMP_SET_MODE_FILTER),
        ctypes.c_long(_SECCOMP_FILTER_FLAG_TSYNC),
        ctypes.byref(_PROG),
    )
    if done != 0:  # no seccomp() syscall (before Linux 3.17), or TSYNC refused: this thread
        done = _LIBC.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(_PROG), 0, 0)
    return done == 0 and _inet_refused()


def _inet_refused() -> bool:
    try:
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    except PermissionError:
        return True
    except OSError:
        return False
    probe.close()
    return False


def _netns() -> bool:
    if _LIBC is None:
        return False
    try:
        before = os.stat("/proc/self/ns/net").st_ino
    except OSError:
        return False
    uid, gid = os.getuid(), os.getgid()
    if _LIBC.unshare(_CLONE_NEWNET) != 0:
        if _LIBC.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) != 0:
            return False
        _map_ids(uid, gid)
    try:
        return os.stat("/proc/self/ns/net").st_ino != before
    except OSError:
        return False


def _map_ids(uid: int, gid: int) -> None:
    """In a new user namespace, keep our own ids (files stay ours; no privilege is gained)."""
    for path, line in (
        ("/proc/self/uid_map", f"{uid} {uid} 1"),
        ("/proc/self/setgroups", "deny"),
        ("/proc/self/gid_map", f"{gid} {gid} 1"),
    ):
        try:
            with open(path, "w", encoding="ascii") as fh:
                fh.write(line)
        except OSError:
            pass
