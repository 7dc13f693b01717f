"""Gone: the engines are one (:mod:`bgraph.store`). Kept only until ``cli/serving.py`` imports
``STORE_HELP`` and ``resolve_store`` from :mod:`bgraph.store`; then delete this file."""

from .store import STORE_HELP, resolve_store

__all__ = ["STORE_HELP", "resolve_store"]
