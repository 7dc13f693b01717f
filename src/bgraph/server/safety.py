"""The layers that keep a public endpoint read-only, offline and its queries inside their limits.

1. **Before evaluation** (:func:`check_query`): SERVICE anywhere in the algebra, and FROM /
   FROM NAMED naming a graph this dataset does not hold, are refused with a 400. rdflib would
   otherwise fetch those IRIs over HTTP (SSRF).
2. **In the engine** (:func:`install_engine_guards`): rdflib's ``SPARQL_LOAD_GRAPHS`` is off and a
   ``CUSTOM_EVALS`` hook raises on any ``ServiceGraphPattern`` that reaches evaluation; issue 3's
   :mod:`bgraph.sparql_guard` is installed too when present.
3. **In the process** (:func:`install_network_guard`): the kernel refuses every network socket
   (:func:`bgraph.sandbox.deny_network`: seccomp filter or network namespace), whatever code
   asks for it, Oxigraph's Rust included; an audit hook refuses subprocesses.
4. **In the store** (:class:`ReadOnlyMemory`): the served store raises on any write.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable
from typing import Any

import rdflib.plugins.sparql
from rdflib import URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.sparql import CUSTOM_EVALS
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.stores.memory import Memory

from ..errors import BgraphError
from ..sandbox import deny_network
from ..sparql_guard import walk

_ENGINE_HOOK = "bgraph.server.no-service"


class RefusedQuery(BgraphError):
    """A query the endpoint will not run (SERVICE, remote FROM): 400."""

    http_status = 400


class ReadOnlyError(BgraphError):
    """A write to the served store or a SPARQL Update: 403."""

    http_status = 403


class OutboundBlocked(PermissionError):
    """Raised by the audit hook when code in the server tries to reach the network."""


# --- layer 1: refuse before evaluation ---------------------------------------------------------


def service_message(iri: object) -> str:
    return (
        f"SERVICE {_show(iri)} is not allowed: this endpoint never connects to other hosts "
        "(federated queries are off)"
    )


def check_query(algebra: CompValue, known_graphs: Iterable[URIRef]) -> None:
    """Refuse SERVICE and FROM / FROM NAMED of graphs this dataset does not hold."""
    check_service(algebra)
    check_dataset_clause(algebra, known_graphs)


def check_service(algebra: CompValue) -> None:
    """Refuse SERVICE anywhere in the query (sub-queries and EXISTS filters included)."""
    for part in walk(algebra):
        if part.name == "ServiceGraphPattern":
            raise RefusedQuery(service_message(part.get("term")))


def check_dataset_clause(algebra: CompValue, known_graphs: Iterable[URIRef]) -> None:
    """Refuse FROM / FROM NAMED of a graph the dataset does not hold (rdflib would fetch it)."""
    known = set(known_graphs)
    for clause in algebra.get("datasetClause") or ():
        named = "named" in clause
        iri = clause["named"] if named else clause["default"]
        if iri not in known:
            raise RefusedQuery(
                f"{'FROM NAMED' if named else 'FROM'} {_show(iri)}: no graph of that name in "
                "this dataset, and this endpoint never fetches remote graphs; the service "
                "description (GET /sparql) lists the graphs it holds"
            )


def _show(iri: object) -> str:
    return f"<{iri}>" if isinstance(iri, URIRef) else str(iri)


# --- layer 2: the engine -------------------------------------------------------------------------


def _refuse_service(_ctx: Any, part: CompValue) -> Any:
    if part.name == "ServiceGraphPattern":
        raise RefusedQuery(service_message(part.get("term")))
    raise NotImplementedError  # rdflib's "not mine": evaluate as usual


def install_engine_guards() -> None:
    """Make rdflib itself refuse SERVICE and never load graphs named in FROM (idempotent)."""
    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
    CUSTOM_EVALS[_ENGINE_HOOK] = _refuse_service
    try:  # issue 3's guard, when it has landed: a second, independent implementation
        guard = importlib.import_module("bgraph.sparql_guard")
    except ImportError:
        return
    install = getattr(guard, "install", None)
    if callable(install):
        install()


# --- layer 3: the process ------------------------------------------------------------------------
# The network: bgraph.sandbox.deny_network (kernel-enforced; the query workers install it again
# in their zygote). Subprocesses: an audit hook.

_PROCESS_EVENTS = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn"}
_installed = False


def _audit(event: str, _args: tuple[Any, ...]) -> None:
    if event in _PROCESS_EVENTS:
        raise OutboundBlocked(f"bgraph: {event} refused in the server")


def install_network_guard() -> str:
    """From now on this process (and its forks) can open no network socket; return the
    mechanism that holds (``"seccomp"``, ``"netns"`` or ``"none"``: see :mod:`bgraph.sandbox`).

    Call it after the listening socket is bound. Neither the filter nor the audit hook can be
    removed, so never call it in a process that needs the network afterwards (a test runner).
    """
    global _installed
    if not _installed:
        sys.addaudithook(_audit)
        _installed = True
    return deny_network()


# --- layer 4: the store --------------------------------------------------------------------------


class ReadOnlyMemory(Memory):
    """rdflib's Memory store that raises :class:`ReadOnlyError` on any write once frozen."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._frozen = False
        self._graph_ids: frozenset[Any] = frozenset()
        super().__init__(*args, **kwargs)

    def freeze(self) -> None:
        ids = {c.identifier for c in self.contexts()} | {DATASET_DEFAULT_GRAPH_ID}
        self._graph_ids = frozenset(ids)
        self._frozen = True

    def _refuse(self) -> None:
        if self._frozen:
            raise ReadOnlyError("the served dataset is read-only")

    def add(self, *args: Any, **kwargs: Any) -> None:
        self._refuse()
        super().add(*args, **kwargs)

    def addN(self, *args: Any, **kwargs: Any) -> None:
        self._refuse()
        super().addN(*args, **kwargs)

    def remove(self, *args: Any, **kwargs: Any) -> None:
        self._refuse()
        super().remove(*args, **kwargs)

    def add_graph(self, graph: Any) -> None:
        if self._frozen and graph.identifier in self._graph_ids:
            return  # rdflib "adds" graphs it only reads (Dataset.graphs()): not a write
        self._refuse()
        super().add_graph(graph)

    def remove_graph(self, *args: Any, **kwargs: Any) -> None:
        self._refuse()
        super().remove_graph(*args, **kwargs)

    def update(self, *args: Any, **kwargs: Any) -> None:
        self._refuse()
        super().update(*args, **kwargs)
