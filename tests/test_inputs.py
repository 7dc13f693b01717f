"""Bad input never crashes: each malformed file gets one line naming the file, the line and the
parser's message, a non-zero exit, and no traceback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bgraph.errors import InputError, UnknownFormatError
from bgraph.graph import parse_quads
from helpers import Canary, canary_fixture, copy_root, run_bgraph


def parse_files(paths: list[Path]) -> list:
    """Load files as the commands do (Oxigraph's parsers, into a store)."""
    import pyoxigraph as ox

    from bgraph.graph import load_into_oxigraph

    store = ox.Store()
    for path in paths:
        load_into_oxigraph(store, path)
    return list(store)


@pytest.mark.parametrize(
    ("name", "content", "line", "message"),
    [
        (
            "bad.ttl",
            "@prefix a: <http://x/> .\na:b a:c a:d .\na:e a:f ;; ] .\n",
            3,
            "is not a valid RDF object",
        ),
        ("unbound.ttl", "a:b a:c a:d .\n", 1, "The prefix a: has not been declared"),
        ("string.ttl", '@prefix a: <http://x/> .\na:b a:c "open .\n', 2, "end of file"),
        ("truncated.ttl", "@prefix a: <http://x/> .\na:b a:c", 2, "Unexpected end"),
        ("bad.trig", "<http://g> { <http://a> <http://b> }\n", 1, "is not a valid RDF object"),
        (
            "bad.nt",
            "<http://x/a> <http://x/b> <http://x/c> .\n<http://x/a> <http://x/b> .\n",
            2,
            "must be an IRI, a blank node or a literal",
        ),
        ("bad.nq", "\n\n<http://x/a> <http://x/b> .\n", 3, "must be an IRI"),
        ("bad.jsonld", '{"@id": \n', 2, "invalid JSON"),
        (
            "bad.rdf",
            "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>\n<a>",
            2,
            "",
        ),
    ],
)
def test_parse_errors_name_file_and_line(
    tmp_path: Path, name: str, content: str, line: int, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, "utf-8")
    with pytest.raises(InputError) as err:
        parse_files([path])
    assert err.value.path == str(path)
    assert err.value.line == line
    assert message in err.value.detail
    assert str(err.value).startswith(f"{path}:{line}: ")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.ttl"
    path.write_bytes(b'@prefix a: <http://x/> .\na:b a:c "caf\xe9" .\n')
    with pytest.raises(InputError, match=r"latin1.ttl:2: Invalid UTF-8"):
        parse_files([path])
    jsonld = tmp_path / "latin1.jsonld"
    jsonld.write_bytes(b'{"@id": "http://x/a",\n "http://x/p": "caf\xe9"}')
    with pytest.raises(InputError, match=r"latin1.jsonld:2: not valid UTF-8"):
        parse_files([jsonld])


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        parse_files([tmp_path / "nope.ttl"])
    (tmp_path / "dir.ttl").mkdir()
    with pytest.raises(InputError, match="is a directory"):
        parse_files([tmp_path / "dir.ttl"])


def test_unknown_suffix(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a,b\n")
    with pytest.raises(UnknownFormatError, match="cannot tell the RDF format"):
        parse_files([path])


@pytest.fixture()
def canary() -> Iterator[Canary]:
    yield from canary_fixture()


def _remote_documents(url: str) -> dict[str, dict]:
    """Every way JSON-LD 1.1 can name a context to load (JSON-LD 1.1, sections 4.1, 4.1.8,
    4.1.9 and 9.15: @context, @import, property-scoped and type-scoped contexts)."""
    node = {"@id": "http://x/a"}
    return {
        "context": {"@context": f"{url}/ctx", **node, "name": "x"},
        "context list": {"@context": [{"@vocab": "http://x/"}, f"{url}/ctx"], **node},
        "file context": {"@context": "file:///etc/hostname", **node},
        "import": {"@context": {"@version": 1.1, "@import": f"{url}/ctx"}, **node},
        "property-scoped": {
            "@context": {"@version": 1.1, "p": {"@id": "http://x/p", "@context": f"{url}/c"}},
            **node,
            "p": {"@id": "http://x/b", "q": 1},
        },
        "type-scoped": {
            "@context": {"@version": 1.1, "T": {"@id": "http://x/T", "@context": f"{url}/c"}},
            **node,
            "@type": "T",
        },
        "nested node": {**node, "http://x/p": {"@context": f"{url}/ctx", "@id": "http://x/b"}},
    }


@pytest.mark.parametrize("case", list(_remote_documents("http://h")))
def test_remote_jsonld_contexts_are_refused_not_fetched(
    tmp_path: Path, canary: Canary, case: str
) -> None:
    path = tmp_path / "remote.jsonld"
    path.write_text(json.dumps(_remote_documents(canary.url.rstrip("/"))[case]))
    with pytest.raises(InputError, match=r"remote JSON-LD context .* is not fetched"):
        parse_files([path])
    assert canary.settled() == 0, "a JSON-LD context was fetched"


def test_oxigraph_itself_never_fetches_a_context(canary: Canary) -> None:
    """Below bgraph's own check: pyoxigraph's JSON-LD parser has no document loader."""
    import pyoxigraph as ox

    for doc in _remote_documents(canary.url.rstrip("/")).values():
        with pytest.raises(SyntaxError, match="LoadDocumentCallback"):
            list(ox.parse(json.dumps(doc), ox.RdfFormat.JSON_LD, base_iri="http://x/"))
    assert canary.settled() == 0


def test_bgraph_context_is_resolved_locally(tmp_path: Path) -> None:
    path = tmp_path / "local.jsonld"
    iri = "https://w3id.org/bgraph/context.jsonld"
    path.write_text(
        json.dumps(
            {
                "@context": iri,
                "@id": "https://w3id.org/bgraph/id/x",
                "name": "X",
                "spinOffOf": "id:y",
            }
        )
    )
    quads = parse_files([path])
    got = {(q.predicate.value, q.object.value) for q in quads}
    assert got == {
        ("https://schema.org/name", "X"),
        ("https://w3id.org/bgraph/ontology/spinOffOf", "https://w3id.org/bgraph/id/y"),
    }
    imported = tmp_path / "imported.jsonld"
    imported.write_text(
        json.dumps(
            {
                "@context": {"@version": 1.1, "@import": iri, "x": "http://x/"},
                "@id": "x:a",
                "name": "A",
            }
        )
    )
    assert [(q.subject.value, q.object.value) for q in parse_files([imported])] == [
        ("http://x/a", "A")
    ]


def test_parse_quads_of_a_triples_file(tmp_path: Path) -> None:
    path = tmp_path / "t.ttl"
    path.write_text("<http://x/a> <http://x/b> 1.50 .\n")
    (quad,) = parse_quads(path)
    assert str(quad.graph_name) == "DEFAULT"
    assert quad.object.value == "1.5"  # stored by value (see bgraph.export)


@pytest.mark.parametrize(
    ("target", "broken", "line"),
    [
        ("data/ballard.ttl", "id:ballard bg:genre .\n", None),
        ("ontology/bgraph.ttl", "bg:Oops a owl:Class , .\n", None),
        ("data/provenance.trig", "claim:x { id:a bg:b }\n", None),
    ],
)
@pytest.mark.parametrize("command", ["stats", "validate"])
def test_cli_reports_malformed_project_file(
    tmp_path: Path, target: str, broken: str, line: None, command: str
) -> None:
    root = copy_root(tmp_path)
    path = root / target
    text = path.read_text("utf-8")
    path.write_text(text + broken, "utf-8")
    expected_line = text.count("\n") + 1
    result = run_bgraph(command, root=root, cache=tmp_path / "cache")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Error: {path}:{expected_line}: "), lines[0]


def test_unknown_option_is_a_usage_error() -> None:
    result = run_bgraph("stats", "--no-such-option")
    assert result.returncode == 2
    assert "No such option" in result.stderr
    assert "Traceback" not in result.stderr
