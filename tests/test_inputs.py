"""Bad input never crashes: each malformed file gets one line naming the file, the line and the
parser's message, a non-zero exit, and no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bgraph.errors import InputError, UnknownFormatError
from bgraph.graph import parse_files
from helpers import copy_root, run_bgraph


@pytest.mark.parametrize(
    ("name", "content", "line", "message"),
    [
        (
            "bad.ttl",
            "@prefix a: <http://x/> .\na:b a:c a:d .\na:e a:f ;; ] .\n",
            3,
            "objectList expected",
        ),
        ("unbound.ttl", "a:b a:c a:d .\n", 1, 'Prefix "a:" not bound'),
        ("string.ttl", '@prefix a: <http://x/> .\na:b a:c "open .\n', 2, "newline found"),
        ("truncated.ttl", "@prefix a: <http://x/> .\na:b a:c", 2, "end of file"),
        ("bad.trig", "<http://g> { <http://a> <http://b> }\n", 1, "objectList expected"),
        (
            "bad.nt",
            "<http://x/a> <http://x/b> <http://x/c> .\n<http://x/a> <http://x/b> .\n",
            2,
            "Invalid line",
        ),
        ("bad.nq", "\n\n<http://x/a> <http://x/b> .\n", 3, "Invalid line"),
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
    with pytest.raises(InputError, match=r"latin1.ttl:2: not valid UTF-8"):
        parse_files([path])


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


def test_remote_jsonld_context_is_refused_not_fetched(tmp_path: Path) -> None:
    path = tmp_path / "remote.jsonld"
    path.write_text(
        json.dumps({"@context": "http://127.0.0.1:9/ctx", "@id": "http://x/a", "name": "x"})
    )
    with pytest.raises(InputError, match=r"remote JSON-LD context .* is not fetched"):
        parse_files([path])


def test_bgraph_context_is_resolved_locally(tmp_path: Path) -> None:
    path = tmp_path / "local.jsonld"
    path.write_text(
        json.dumps(
            {
                "@context": "https://w3id.org/bgraph/context.jsonld",
                "@id": "https://w3id.org/bgraph/id/x",
                "name": "X",
            }
        )
    )
    ds = parse_files([path])
    assert len(ds) == 1


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
