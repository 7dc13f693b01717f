"""Start fast: nothing on the serve path imports what it does not use (structural, not timed).

The modules ``bgraph serve`` needs before its first answer are imported in a fresh interpreter,
which then lists what else came in: rdflib, pyshacl, owlrl, pyld, Jinja2 and FastAPI must not.
``bench/cold_start.py`` measures the time itself (launch to first answer).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from bgraph.sparql import guard
from test_guard import TABLE

#: Packages the path to the first answer does not use (validate, the reasoner oracle, JSON-LD
#: framing, templates, the old web framework).
HEAVY = ("rdflib", "pyshacl", "owlrl", "pyld", "jinja2", "fastapi", "pydantic")


def loaded_after(code: str) -> list[str]:
    """Top-level packages of HEAVY that ``code`` imports, run in a fresh interpreter."""
    probe = textwrap.dedent(code) + textwrap.dedent(
        f"""
        import json, sys
        heavy = {HEAVY!r}
        print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}} & set(heavy))))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- the sparql guard: cheap to import, the same reading ------------------------------------------


def test_guard_compiles_its_unicode_pattern_only_for_non_ascii_text() -> None:
    assert loaded_after("import bgraph.sparql.guard") == []
    probe = textwrap.dedent(
        """
        from bgraph.sparql.guard import _terminals, check_query
        check_query("SELECT * { ?s ?p ?o }", None)
        print(_terminals.cache_info().currsize)
        check_query("SELECT ?é { ?é ?p 'ü' }", None)
        print(_terminals.cache_info().currsize)
        """
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "2"]


@pytest.mark.parametrize("iri", [True, False])
def test_guard_ascii_pattern_reads_ascii_text_as_the_full_one(iri: bool) -> None:
    """On ASCII text the cheap pattern and the full one give the same tokens everywhere (every
    start position, so that the less-than reading, which matches mid-text, agrees too)."""
    ascii_queries = [q for q, _ in TABLE if q.isascii()]
    assert len(ascii_queries) > 50
    cheap, full = guard._terminals(False, iri), guard._terminals(True, iri)
    for query in ascii_queries:
        for pos in range(len(query)):
            a, b = cheap.match(query, pos), full.match(query, pos)
            assert a is not None and b is not None
            assert (a.lastgroup, a.end()) == (b.lastgroup, b.end()), (query, pos)
