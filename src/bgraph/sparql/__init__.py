"""SPARQL helpers that need no rdflib: :func:`check_query`, the grammar-exact query guard."""

from __future__ import annotations

from .guard import MAX_DEPTH, MAX_TOKENS, check_query, tokenize

__all__ = ["MAX_DEPTH", "MAX_TOKENS", "check_query", "tokenize"]
