"""Keeping a public endpoint offline: no outbound connection from the server or its workers.

Queries are vetted before Oxigraph sees them (:func:`bgraph.server.engine.vet`: SERVICE,
updates and FROM of graphs not held here are refused with a 400/403), and the store is opened
read-only or never written after load. Below Python, in the process
(:func:`install_network_guard`): :func:`bgraph.sandbox.deny_network` has the kernel refuse every
network socket (a seccomp filter, or a network namespace of its own), so that not even
Oxigraph's Rust code (which runs SERVICE over HTTP, unseen by Python) can connect anywhere; the
query workers install it again in the zygote that forks them. An audit hook still refuses
starting subprocesses in the server.
"""

from __future__ import annotations

import sys
from typing import Any

from ..sandbox import deny_network


class OutboundBlocked(PermissionError):
    """Raised by the audit hook when code in the server tries to start a subprocess."""


# --- the process ------------------------------------------------------------------------

_PROCESS_EVENTS = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn"}
_installed = False


def _audit(event: str, _args: tuple[Any, ...]) -> None:
    if event in _PROCESS_EVENTS:
        raise OutboundBlocked(f"bgraph: {event} refused in the server")


def install_network_guard() -> str:
    """From now on this process (and its forks) can open no network socket; return the
    mechanism that holds (``"seccomp"``, ``"netns"`` or ``"none"``: see :mod:`bgraph.sandbox`).

    Call it after the listening socket is bound (already-open sockets keep working; binding may
    look the host name up). Neither the filter nor the audit hook can be removed, so never call
    it in a process that needs the network afterwards (a test runner, for instance).
    """
    global _installed
    if not _installed:
        sys.addaudithook(_audit)
        _installed = True
    return deny_network()
