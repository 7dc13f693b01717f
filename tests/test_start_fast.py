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


# -- bgraph serve, launched: its imports up to the first answer -----------------------------------


def test_serve_answers_its_first_query_without_heavy_imports(monkeypatch) -> None:
    """``bgraph serve`` (the seed graph, with its closure) launched with -X importtime: nothing
    it or its query workers import before the first answer is one of HEAVY."""
    import httpx

    from server_harness import start_server, stop

    monkeypatch.setenv("PYTHONPROFILEIMPORTTIME", "1")  # = python -X importtime, to stderr
    server = start_server("--quiet", "--workers", "1")
    try:
        reply = httpx.post(
            server.url + "sparql",
            data={"query": "ASK { ?s ?p ?o }"},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert reply.status_code == 200 and reply.json()["boolean"] is True
        log = server.log()
    finally:
        stop(server)
    imported = {
        line.rsplit("|", 1)[-1].strip() for line in log.splitlines() if line.startswith("import")
    }
    assert {"bgraph.server.run", "bgraph.fastreason", "uvicorn", "starlette"} <= imported
    assert sorted({name.split(".")[0] for name in imported} & set(HEAVY)) == []
    assert not [name for name in imported if name.startswith("bgraph.visual")]  # on first use


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


# -- the closure's datatype check: owlrl only for literals that need it ---------------------------


def test_checked_datatypes_are_owlrls() -> None:
    from owlrl.DatatypeHandling import AltXSDToPYTHON
    from owlrl.XsdDatatypes import OWL_RL_Datatypes

    from bgraph.fastreason import CHECKED_DATATYPES

    owlrl_checks = {str(d) for d in OWL_RL_Datatypes} & {str(k) for k in AltXSDToPYTHON}
    assert owlrl_checks == CHECKED_DATATYPES


LEXICAL_FORMS = [
    "", " ", "0", "1", "-1", "+1", "007", "1.", ".5", "+.5", "-0.0", "1.5", "1e3", "1E3", "1_000",
    " 1", "1 ", "١٢", "x", "true", "false", "TRUE", "True", "yes", "2014", "2014-02-06",
    "2014-2-6", "2014-02-30", "2016-02-29", "2015-02-29", "0000-01-01", "0999-12-31",
    "2014-02-06Z", "2014-02-06+01:00", "2014-02-06T10:20:30", "2014-02-06T10:20:30Z",
    "2014-02-06T24:00:00", "2014-02-06T10:20:60", "2014-02-06T10:20:30.5",
    "2014-02-06T10:20:30+02:00", "2014-02-06 10:20:30", "9" * 1200, "1." + "5" * 1200,
]  # fmt: skip


@pytest.mark.parametrize(
    "datatype",
    ["integer", "decimal", "boolean", "date", "dateTime", "string", "int", "double", "time"],
)
def test_surely_valid_forms_are_valid_for_owlrl(datatype: str) -> None:
    """What the fast check accepts without owlrl, owlrl accepts too (the rest goes to owlrl)."""
    from owlrl.DatatypeHandling import AltXSDToPYTHON
    from rdflib.namespace import XSD

    from bgraph.fastreason import surely_valid

    convert = AltXSDToPYTHON[XSD[datatype]]
    accepted = 0
    for lexical in LEXICAL_FORMS:
        if surely_valid(str(XSD[datatype]), lexical):
            accepted += 1
            convert(lexical)  # raises ValueError for an ill-typed literal
    assert accepted > 0 or datatype in ("int", "double", "time")


def test_closure_of_the_seed_graph_needs_no_owlrl() -> None:
    """The seed graph's literals are all plainly spelled: the closure imports neither owlrl nor
    rdflib (the ill-typed ones in test_fastreason still reach owlrl's messages)."""
    loaded = loaded_after(
        """
        from bgraph.store import open_dataset
        opened = open_dataset()
        assert opened.info.reasoner == "fast", opened.info.reasoner
        """
    )
    assert loaded == []


# -- the command line: commands imported when they run ------------------------------------------


def test_cli_imports_no_command_module_at_start() -> None:
    probe = """
        import sys
        import bgraph.cli
        assert not [m for m in sys.modules if m.startswith("bgraph.cli.")], sorted(sys.modules)
        assert "bgraph.store" not in sys.modules and "rich" not in sys.modules
    """
    assert loaded_after(probe) == []


def test_cli_table_names_every_command_with_its_help() -> None:
    """COMMANDS (what `bgraph --help` lists without importing) matches the commands: same names,
    same module, the same short help at any width."""
    from bgraph.cli import COMMANDS, load_all

    commands = load_all()
    assert set(COMMANDS) == set(commands)
    for name, command in commands.items():
        assert command.callback is not None
        assert command.callback.__module__ == f"bgraph.cli.{COMMANDS[name].module}", name
        for width in (30, 45, 74, 200):
            short = COMMANDS[name].short_help(width)
            assert short == command.get_short_help_str(width), (name, width)


def test_help_lists_every_command_and_serve_imports_only_its_own() -> None:
    probe = """
        import sys
        from click.testing import CliRunner
        from bgraph.cli import COMMANDS, main
        listed = CliRunner().invoke(main, ["--help"]).output
        assert all(f"  {name} " in listed for name in COMMANDS), listed
        assert not [m for m in sys.modules if m.startswith("bgraph.cli.")]
        result = CliRunner().invoke(main, ["serve", "--help"])
        assert result.exit_code == 0 and "--store" in result.output, result.output
        assert sorted(m for m in sys.modules if m.startswith("bgraph.cli.")) == [
            "bgraph.cli.serving"
        ], sorted(sys.modules)
    """
    assert loaded_after(probe) == []
