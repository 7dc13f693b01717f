"""The settings of one ``bgraph serve``: every limit in one place, with its default."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..iris import BASE

DEFAULT_TIMEOUT = 10.0  #: seconds a query may run before its worker is killed (503)
DEFAULT_WORKERS = 3  #: query workers = queries running at once
DEFAULT_QUEUE = 32  #: requests that may wait for a worker; past that, 503 + Retry-After
DEFAULT_MAX_ROWS = 10_000  #: result rows (or triples) sent; the rest is cut, and a header says so
MAX_BODY = 1024 * 1024  #: request body cap (bytes): 413 past it
DEFAULT_WORKER_MEMORY_MB = 1024  #: address space a worker may add while answering a query
DEFAULT_MAX_BYTES = 16 * 1024 * 1024  #: result bytes sent; the rest is cut, and a header says so
DEFAULT_RESERVE = 1  #: extra workers only for clients with nothing running and little recent use
DEFAULT_READ_TIMEOUT = 10.0  #: seconds to receive a request's headers, then again its body
DEFAULT_SEND_TIMEOUT = 10.0  #: seconds a client may read nothing of a response before it is cut
DEFAULT_CONNECTIONS_PER_CLIENT = 16  #: connections open per IP address (idle ones recycled)


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = DEFAULT_TIMEOUT
    workers: int = DEFAULT_WORKERS
    #: processes the workers (and the reserve) run in; None: :func:`.run.worker_threads` decides
    worker_processes: int | None = None
    queue: int = DEFAULT_QUEUE
    max_rows: int = DEFAULT_MAX_ROWS
    max_body: int = MAX_BODY
    worker_memory_mb: int = DEFAULT_WORKER_MEMORY_MB
    max_bytes: int = DEFAULT_MAX_BYTES
    reserve: int = DEFAULT_RESERVE
    read_timeout: float = DEFAULT_READ_TIMEOUT
    send_timeout: float = DEFAULT_SEND_TIMEOUT
    connections_per_client: int = DEFAULT_CONNECTIONS_PER_CLIENT
    inference: bool = True
    #: serve the closure's explanations (bgg:explanations, /why); None: for small inputs
    explain: bool | None = None
    paths: tuple[Path, ...] = ()
    named: tuple[tuple[str, Path], ...] = ()  #: (graph IRI, file) pairs
    base_iri: str = BASE  #: the IRI that this server's root path stands for
    base_url: str | None = None  #: public URL of this server; None: http://host:port/
    access_log: bool = True
    store: str = "memory"  #: memory (Oxigraph in RAM) or the directory of a built store
