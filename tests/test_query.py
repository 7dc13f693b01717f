"""``bgraph query`` / ``bgraph queries``: every way to give a query, every format, every refusal."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Namespace, URIRef, Variable
from rdflib.compare import isomorphic
from rdflib.query import Result

from bgraph.errors import ExitCode
from bgraph.query import named_queries
from helpers import Canary, canary_fixture

ID = Namespace("https://w3id.org/bgraph/id/")
CAST_QUERY = "SELECT ?name WHERE { id:ballard bg:castMember/schema:name ?name } ORDER BY ?name"
ACTORS = [
    "Amy Hill",
    "Courtney Taylor",
    "Hector Hugo",
    "John Carroll Lynch",
    "Maggie Q",
    "Michael Cassidy",
    "Michael Mosley",
    "Noah Bean",
    "Rebecca Field",
    "Titus Welliver",
    "Victoria Moroles",
]  # article 001, "Quels acteurs au casting de Ballard ?"


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")


def names(output: str) -> list[str]:
    data = json.loads(output)
    return [row["name"]["value"] for row in data["results"]["bindings"]]


def assert_usage_error(result, *fragments: str) -> None:
    assert result.exit_code == ExitCode.USAGE, result.output
    assert result.output.startswith("Error: ") or "Error: " in result.output
    for fragment in fragments:
        assert fragment in result.output
    assert "Traceback" not in result.output


# --- where the query comes from ---------------------------------------------------------------


def test_inline_sparql_with_predeclared_prefixes(cli) -> None:
    result = cli("query", CAST_QUERY)
    assert result.exit_code == 0, result.output
    assert names(result.output) == ACTORS  # ordered, json when not on a terminal


@pytest.mark.parametrize("name", ["01", "1", "cast", "01-cast", "01-cast.rq"])
def test_named_query_by_number_slug_or_name(cli, name: str) -> None:
    result = cli("query", name)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["results"]["bindings"]
    assert [r["actorName"]["value"] for r in rows] == ACTORS


def test_query_file(cli, tmp_path: Path) -> None:
    path = tmp_path / "mine.rq"
    path.write_text(CAST_QUERY, encoding="utf-8")
    result = cli("query", str(path))
    assert result.exit_code == 0
    assert names(result.output) == ACTORS


def test_query_from_stdin(cli) -> None:
    result = cli("query", "-", input=CAST_QUERY)
    assert result.exit_code == 0
    assert names(result.output) == ACTORS


def test_unknown_query_name_lists_the_named_ones(cli) -> None:
    result = cli("query", "castt")
    assert_usage_error(result, "unknown query 'castt'")
    for query in named_queries():
        assert query.name in result.output


def test_missing_query_file(cli) -> None:
    assert_usage_error(cli("query", "nowhere/missing.rq"), "no such query file")


def test_empty_query(cli) -> None:
    assert_usage_error(cli("query", "-", input="  \n"), "empty query")


# --- formats ----------------------------------------------------------------------------------


def test_json_is_sparql_results_json(cli) -> None:
    result = cli("query", CAST_QUERY, "--format", "json")
    parsed = Result.parse(io.BytesIO(result.stdout_bytes), format="json")
    assert [str(row[Variable("name")]) for row in parsed.bindings] == ACTORS
    assert json.loads(result.output)["head"]["vars"] == ["name"]


def test_xml_results(cli) -> None:
    result = cli("query", CAST_QUERY, "--format", "xml")
    assert result.exit_code == 0
    parsed = Result.parse(io.BytesIO(result.stdout_bytes), format="xml")
    assert sorted(str(row[Variable("name")]) for row in parsed.bindings) == ACTORS


def test_csv_results(cli) -> None:
    result = cli("query", "01", "--format", "csv")
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["actor", "actorName", "character", "characterName"]
    assert ["https://w3id.org/bgraph/id/maggie-q", "Maggie Q"] == rows[5][:2]
    assert rows[5][3] == "Renée Ballard"
    assert len(rows) == 12


def test_tsv_results_are_rdf_terms(cli) -> None:
    result = cli("query", "01", "--format", "tsv")
    lines = result.output.splitlines()
    assert lines[0] == "?actor\t?actorName\t?character\t?characterName"
    assert '<https://w3id.org/bgraph/id/hector-hugo>\t"Hector Hugo"' in lines[3]
    assert '"Captain Berchem"@en' in lines[3]


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv", "table"])
def test_triple_terms_in_every_format(cli, fmt: str) -> None:
    """A SPARQL 1.2 triple term in an answer is written, not a traceback."""
    query = 'SELECT ?t WHERE { BIND(<<( id:ballard schema:name "Ballard" )>> AS ?t) }'
    result = cli("query", query, "--format", fmt)
    assert result.exit_code == 0
    if fmt == "json":
        (row,) = json.loads(result.output)["results"]["bindings"]
        assert row["t"]["value"]["object"] == {"type": "literal", "value": "Ballard"}
    else:
        assert "Ballard" in result.output


def test_table_results(cli) -> None:
    result = cli("query", "cast", "--format", "table")
    assert result.exit_code == 0
    assert "Who plays whom in Ballard?" in result.output  # the query's title
    assert "│ id:maggie-q " in result.output and "Renée Ballard" in result.output
    assert "11 rows" in result.output


def test_ask_in_every_result_format(cli) -> None:
    query = "ASK { id:bosch bg:hasSpinOff id:ballard }"
    assert json.loads(cli("query", query).output) == {"head": {}, "boolean": True}
    assert cli("query", query, "-f", "csv").output.strip() == "true"
    assert "yes" in cli("query", query, "-f", "table").output
    assert "<boolean>true</boolean>" in cli("query", query, "-f", "xml").output


@pytest.mark.parametrize(
    "fmt,rdflib_name", [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")]
)
def test_construct_prints_rdf(cli, fmt: str, rdflib_name: str) -> None:
    result = cli("query", "12-cast-card", "--format", fmt)
    assert result.exit_code == 0, result.output
    graph = Graph().parse(data=result.output, format=rdflib_name)
    expected = Graph().parse(Path(named_queries()[11].expected_path), format="turtle")
    assert isomorphic(graph, expected)


def test_construct_defaults_to_turtle(cli) -> None:
    result = cli("query", "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 2")
    assert result.exit_code == 0
    assert len(Graph().parse(data=result.output, format="turtle")) == 2


def test_describe(cli) -> None:
    result = cli("query", "DESCRIBE id:maggie-q", "-f", "nt")
    graph = Graph().parse(data=result.output, format="nt")
    assert (ID["maggie-q"], URIRef("https://schema.org/name"), None) in graph


def test_wrong_format_for_the_query_form(cli) -> None:
    assert_usage_error(cli("query", "01", "-f", "turtle"), "json, xml, csv, tsv, table")
    assert_usage_error(cli("query", "12", "-f", "table"), "turtle", "jsonld", "nt")


def test_unknown_format(cli) -> None:
    assert_usage_error(cli("query", "01", "-f", "yaml"), "unknown format 'yaml'", "json", "turtle")


def test_output_file(cli, tmp_path: Path) -> None:
    target = tmp_path / "cast.csv"
    result = cli("query", "01", "-f", "csv", "-o", str(target))
    assert result.exit_code == 0 and result.output == ""
    assert "Maggie Q" in target.read_text("utf-8")
    assert cli("query", "01", "-o", str(tmp_path)).exit_code != 0


# --- inference on and off ---------------------------------------------------------------------


def test_no_inference_answers_from_asserted_facts_only(cli) -> None:
    assert names(cli("query", CAST_QUERY).output) == ACTORS
    assert names(cli("query", CAST_QUERY, "--no-inference").output) == []
    asserted = "SELECT ?name WHERE { ?p bg:inWork id:ballard ; bg:performer/schema:name ?name }"
    assert sorted(names(cli("query", asserted, "--no-inference").output)) == ACTORS


def test_query_other_files(cli, tmp_path: Path) -> None:
    data = tmp_path / "mine.ttl"
    data.write_text(
        "@prefix bg: <https://w3id.org/bgraph/ontology/> .\n"
        "@prefix schema: <https://schema.org/> .\n"
        "<urn:ex:s> bg:spinOffOf <urn:ex:o> ; schema:name 'Spin' .\n"
    )
    query = "SELECT ?name WHERE { <urn:ex:o> bg:hasSpinOff/schema:name ?name }"
    assert names(cli("query", query, str(data)).output) == ["Spin"]
    assert names(cli("query", CAST_QUERY, str(data)).output) == []  # not the built-in graph


# --- errors -----------------------------------------------------------------------------------


def test_syntax_error_gives_position_and_exit_2(cli) -> None:
    result = cli("query", "SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER (?o = ) }")
    assert_usage_error(result, "syntax error at line 3, column", "FILTER")


def test_syntax_error_in_a_file_names_it(cli, tmp_path: Path) -> None:
    path = tmp_path / "bad.rq"
    path.write_text("SELEC * WHERE { ?s ?p ?o }")
    assert_usage_error(cli("query", str(path)), str(path), "line 1, column 1")


def test_unknown_prefix(cli) -> None:
    assert_usage_error(cli("query", "SELECT * WHERE { foo:x ?p ?o }"), "unknown prefix 'foo'")


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { id:ballard schema:name 'Hacked' }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR ALL",
    ],
)
def test_updates_are_refused(cli, update: str) -> None:
    assert_usage_error(cli("query", update), "not allowed", "read-only")
    check = cli("query", "SELECT ?n WHERE { id:ballard schema:name ?n }")
    assert names_of(check.output, "n") == ["Ballard"]


def names_of(output: str, var: str) -> list[str]:
    return [row[var]["value"] for row in json.loads(output)["results"]["bindings"]]


# --- never online -----------------------------------------------------------------------------


@pytest.fixture()
def listener() -> Iterator[Canary]:
    yield from canary_fixture()


@pytest.mark.parametrize(
    "template,message",
    [
        ("SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}", "SERVICE"),
        ("SELECT * WHERE {{ OPTIONAL {{ SERVICE SILENT <{url}/> {{ ?s ?p ?o }} }} }}", "SERVICE"),
        ("SELECT * FROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}", "FROM <"),
        ("SELECT * FROM NAMED <{url}/g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", "FROM NAMED"),
    ],
)
def test_queries_never_fetch(cli, listener: Canary, template: str, message: str) -> None:
    result = cli("query", template.format(url=listener.url.rstrip("/")))
    assert_usage_error(result, message, "not")
    assert listener.settled() == 0, "bgraph opened a connection"


def test_from_a_graph_of_the_dataset_is_allowed(cli, asserted: Dataset) -> None:
    from bgraph.namespaces import FACTS_GRAPH

    result = cli("query", "SELECT (COUNT(*) AS ?n) FROM bgg:facts WHERE { ?s ?p ?o }")
    assert result.exit_code == 0, result.output
    assert names_of(result.output, "n") == [str(len(asserted.graph(FACTS_GRAPH)))]


def test_the_query_process_has_no_network(tmp_path: Path) -> None:
    """`bgraph query` drops the network (seccomp or a network namespace) before evaluating:
    the process that ran the query cannot open an Internet socket afterwards."""
    import subprocess
    import sys

    script = (
        "import socket, sys\n"
        "from bgraph import cli\n"
        "cli.SANDBOX_QUERIES = True\n"
        "try:\n"
        "    cli.main(['query', 'ASK { ?s ?p ?o }'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "from bgraph.sandbox import status\n"
        "try:\n"
        "    socket.create_connection(('127.0.0.1', 9), timeout=1)\n"
        "except PermissionError:\n"
        "    print('denied', status())\n"
        "except OSError as exc:\n"
        "    print('unreachable', status(), exc.errno)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith(("denied", "unreachable")) and "none" not in last, last


# --- bgraph queries ---------------------------------------------------------------------------


def test_queries_lists_names_and_titles(cli) -> None:
    result = cli("queries")
    assert result.exit_code == 0
    for query in named_queries():
        assert query.name in result.output
        assert query.title in result.output


def test_queries_json(cli) -> None:
    rows = json.loads(cli("queries", "--json").output)
    assert len(rows) == len(named_queries()) >= 15
    cast = rows[0]
    assert cast["name"] == "01-cast" and cast["form"] == "SELECT"
    assert cast["needs_inference"] is False
    assert {r["name"] for r in rows if r["needs_inference"]} >= {"02-spin-offs", "12-cast-card"}


def test_queries_shows_one(cli) -> None:
    result = cli("queries", "spin-offs")
    assert result.exit_code == 0
    assert "bg:hasSpinOff" in result.output and result.output.startswith("# title:")
    assert_usage_error(cli("queries", "nope"), "unknown query 'nope'")


def test_no_inference_on_a_reasoning_query_says_so(cli) -> None:
    result = cli("query", "spin-offs", "--no-inference")
    assert result.exit_code == 0
    assert "needs inference" in result.stderr
    assert json.loads(result.stdout)["results"]["bindings"] == []
    assert "needs inference" not in cli("query", "cast", "--no-inference").stderr


def test_query_file_with_byte_order_mark(cli, tmp_path: Path) -> None:
    path = tmp_path / "bom.rq"
    path.write_bytes("\ufeff".encode() + CAST_QUERY.encode())
    assert names(cli("query", str(path)).output) == ACTORS


def test_select_star_columns_follow_the_query(cli) -> None:
    """`bgraph query` prints SELECT *'s columns as the query writes them (?s ?p ?o)."""
    result = cli("query", "-f", "csv", "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "s,p,o"


# --- valid but unusual queries: the same answer as the endpoint (one evaluator) -----------------


def test_a_limit_past_64_bits_is_read_as_all(cli) -> None:
    """SPARQL's LIMIT is any integer; Oxigraph reads 64 bits: a larger one means "all" (as the
    endpoint answers it, tests/test_hardening.py)."""
    query = "SELECT ?s { ?s a bg:TVSeries } ORDER BY ?s LIMIT 99999999999999999999999"
    result = cli("query", query, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.split() == [
        "s",
        "https://w3id.org/bgraph/id/ballard",
        "https://w3id.org/bgraph/id/bosch",
        "https://w3id.org/bgraph/id/bosch-legacy",
    ]


def test_an_unknown_function_leaves_its_variable_unbound(cli) -> None:
    """SPARQL 1.1, 17.6: an unknown extension function is an expression error (BIND leaves the
    variable unbound, FILTER is false), not a failed query."""
    query = "SELECT ?x ?y { BIND(<http://example.org/f>(1) AS ?x) BIND(2 AS ?y) }"
    result = cli("query", query, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["results"]["bindings"] == [
        {"y": {"type": "literal", "value": "2", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}
    ]  # fmt: skip
    ask = cli("query", "ASK { FILTER(<http://example.org/g>(1)) }", "--format", "json")
    assert ask.exit_code == 0, ask.output
    assert json.loads(ask.output)["boolean"] is False
