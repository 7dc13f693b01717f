"""pyld's JSON-LD compaction, without its quadratic part, for bgraph's own documents.

``pyld.jsonld.compact`` compacts an IRI that is no term of the context (an entity's, mostly) by
scanning the whole context for a prefix (``JsonLdProcessor._compact_iri``): with bgraph's 144
entries, about 90 string comparisons for each IRI of each statement, most of a large export's
time. :func:`compact` asks pyld the same questions, with two shortcuts that change no byte of the
answer (``tests/test_export.py`` compares it with ``pyld.jsonld.compact``):

- an IRI compacted with no value (a node's ``@id``, a type, a property before its term is chosen
  for a value) depends on nothing but the active context and the call's flags: each is worked out
  once per run;
- the input is pyld's own expanded JSON-LD (``from_rdf``), so it is not expanded again
  (``skipExpansion``, as pyld's framing does with its own output).
"""

from __future__ import annotations

from typing import Any

from pyld import jsonld


class _Compactor(jsonld.JsonLdProcessor):
    def __init__(self) -> None:
        super().__init__()
        self._iris: dict[tuple[Any, ...], tuple[Any, Any]] = {}

    def _compact_iri(
        self,
        active_ctx: Any,
        iri: Any,
        value: Any = None,
        vocab: bool = False,
        base: Any = None,
        reverse: bool = False,
    ) -> Any:
        if value is not None:
            return super()._compact_iri(active_ctx, iri, value, vocab, base, reverse)
        key = (id(active_ctx), iri, vocab, base, reverse)
        known = self._iris.get(key)
        if known is not None and known[0] is active_ctx:
            return known[1]
        compacted = super()._compact_iri(active_ctx, iri, None, vocab, base, reverse)
        # the context is kept with its answer: its id cannot be reused by another while it is here
        self._iris[key] = (active_ctx, compacted)
        return compacted


def compact(
    expanded: list[dict[str, Any]], ctx: dict[str, Any], options: dict[str, Any]
) -> dict[str, Any]:
    """``pyld.jsonld.compact(expanded, {"@context": ctx}, options)`` of pyld's expanded JSON-LD."""
    return _Compactor().compact(expanded, {"@context": ctx}, {**options, "skipExpansion": True})
