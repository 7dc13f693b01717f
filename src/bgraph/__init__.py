"""bgraph: a linked-data knowledge graph of Michael Connelly's Bosch TV universe.

``bgraph.dataset()`` gives Python users an rdflib ``Dataset`` over bgraph's Oxigraph store
(:mod:`bgraph.api`); imported on first use, so the CLI does not pay for rdflib.
"""

from typing import Any

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "dataset":
        from .api import dataset

        return dataset
    raise AttributeError(f"module 'bgraph' has no attribute {name!r}")
