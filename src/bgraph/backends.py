"""Where a query runs: rdflib in memory, Oxigraph (in memory or a built store), or a remote server.

``--store memory`` (default): rdflib over the loaded dataset. ``--store oxigraph``: the same
dataset copied into an in-memory Oxigraph store (a native engine: much faster joins on big data).
``--store DIR``: a store written by ``bgraph build`` (nothing is parsed or reasoned).
``--endpoint URL``: a remote SPARQL endpoint (after ``bgraph push``, or any server).
Every backend answers every competency query the same (tests/test_store.py, tests/test_push.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .errors import UsageError

STORE_HELP = (
    "Query engine: memory (rdflib, the default), oxigraph (the same data in Oxigraph's engine), "
    "or the directory of a store written by `bgraph build`."
)


def resolve_store(value: str) -> str:
    """``memory``, ``oxigraph``, or the directory of a built store (checked: a bgraph store).

    Raises UsageError (exit 2) for neither an engine nor a directory, StoreError (exit 1) for a
    directory that is not a bgraph store."""
    from .store import STORE_KINDS, read_manifest

    if value in STORE_KINDS:
        return value
    path = Path(value)
    if not path.exists():
        raise UsageError(
            f"--store {value!r}: not memory, oxigraph, nor an existing directory; "
            f"write a store there with `bgraph build -o {value}`"
        )
    if not path.is_dir():
        raise UsageError(f"--store {value!r}: not a directory (nor memory or oxigraph)")
    read_manifest(path)  # StoreError when it is not a bgraph store
    return value


ENDPOINT_HELP = "Run the query on this remote SPARQL endpoint instead (e.g. after `bgraph push`)."


def answer(
    text: str,
    label: str,
    paths: Sequence[Path] | None,
    inference: bool,
    store: str = "memory",
    endpoint: str | None = None,
) -> tuple[Any, Any]:
    """Run ``text`` where asked; return (rdflib Result, a Dataset to render terms with)."""
    from .graph import new_dataset

    if endpoint is not None:
        if store != "memory":
            raise UsageError("give --store or --endpoint, not both")
        if paths:
            raise UsageError("--endpoint queries the remote server's data: drop the PATHs")
        from .push import query_endpoint

        return query_endpoint(endpoint, text), new_dataset()
    if store == "memory":
        from .dataset import load_dataset
        from .query import run_query

        ds = load_dataset(list(paths or ()) or None, inference=inference)
        return run_query(ds, text, label), ds
    from .store import dataset_to_oxigraph, open_store, query_store

    if store == "oxigraph":
        from .dataset import load_dataset

        ds = load_dataset(list(paths or ()) or None, inference=inference)
        return _labelled(query_store, dataset_to_oxigraph(ds), text, label), ds
    directory = Path(store)
    if not directory.is_dir():
        raise UsageError(
            f"--store {store!r}: not memory, oxigraph, nor the directory of a built store"
        )
    if paths:
        raise UsageError("a built store already holds its data: drop the PATHs or the --store")
    if not inference:
        raise UsageError("a built store holds the inferences; query its other graphs instead")
    return _labelled(query_store, open_store(directory), text, label), new_dataset()


def _labelled(run: Any, opened: Any, text: str, label: str) -> Any:
    from .errors import BgraphError

    try:
        return run(opened, text)
    except BgraphError as exc:
        if label not in ("<inline>", "<query>"):
            exc.args = (f"{label}: {exc}",)
        raise
