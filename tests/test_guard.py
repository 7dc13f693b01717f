"""bgraph.sparql.check_query: the grammar-exact guard in front of Oxigraph.

The table's expectations come from the SPARQL 1.1 grammar's terminals (comments end at CR or
LF; PLX escapes in local names; the four string forms and their ECHAR escapes) and from how
Oxigraph reads keywords (measured: no word boundary after a keyword, so ``trueSERVICE<…>{}``
and ``service:x {}`` are SERVICE calls), never from the guard's own output. The differential
fuzz then lets pyoxigraph decide: every generated query that makes Oxigraph open a socket (seen
by a seccomp trap in a sandboxed child, SILENT or not) must be refused by the guard.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bgraph.errors import (
    BgraphError,
    ForeignGraphError,
    QuerySyntaxError,
    ServiceRefusedError,
    UpdateRefusedError,
)
from bgraph.sparql import MAX_DEPTH, check_query, guard
from bgraph.sparql.guard import _read_prologue, needs_base, read_query, tokenize
from test_sandbox import Canary, canary  # noqa: F401  (the fixture)

EX = "http://example.org/"
KNOWN = [EX + "g1", EX + "g2"]
PREFIXES = {"ex": EX}
C = "http://127.0.0.1:9/"  # never contacted: the guard only reads

SVC, UPD, FROM, SYN = ServiceRefusedError, UpdateRefusedError, ForeignGraphError, QuerySyntaxError

TABLE: list[tuple[str, str | type[BgraphError]]] = [
    # the four bypasses of the old regex scan
    (f"SELECT * {{ ?s ?p ?o #\rSERVICE <{C}> {{ }} }}", SVC),
    (f"SELECT * {{ ?s ex:a\\#b ?o . SERVICE <{C}> {{ }} }}", SVC),
    (f"SELECT * {{ ?s ex:a\\'b 'y' . SERVICE <{C}> {{ }} }}", SVC),
    (f"SELECT * {{ ?s ?p '''a\\'''' . SERVICE <{C}> {{ }} }}", SVC),
    # comments: to the next CR or LF, nothing else
    (f"SELECT * {{ ?s ?p ?o # SERVICE <{C}> {{ }}\n }}", "SELECT"),
    (f"SELECT * {{ ?s ?p ?o #\r\nSERVICE <{C}> {{ }} }}", SVC),
    (f"SELECT * {{ ?s ?p ?o #\nSERVICE <{C}> {{ }} }}", SVC),
    (f"SELECT * {{ ?s ?p ?o # x\x0cSERVICE <{C}> {{ }}\n }}", "SELECT"),  # FF ends nothing
    (f"SELECT * {{ ?s ?p ?o # x\x0bSERVICE <{C}> {{ }}\n }}", "SELECT"),
    (f"SELECT * {{ ?s ?p ?o # \\u000A SERVICE <{C}> {{ }}\n }}", SYN),  # a decoded line end
    ("SELECT * { ?s ?p ?o }#", "SELECT"),
    # strings: all four forms, with their escapes
    (f"SELECT * {{ ?s ?p 'SERVICE <{C}> {{ }}' }}", "SELECT"),
    (f'SELECT * {{ ?s ?p "SERVICE <{C}> {{ }}" }}', "SELECT"),
    (f"SELECT * {{ ?s ?p '''a '' SERVICE <{C}> {{ }} ''' }}", "SELECT"),
    (f'SELECT * {{ ?s ?p """a "" SERVICE <{C}> {{ }} """ }}', "SELECT"),
    (f"SELECT * {{ ?s ?p '''a\nSERVICE <{C}> {{ }}\n''' }}", "SELECT"),
    (f"SELECT * {{ ?s ?p 'a\\'b' . SERVICE <{C}> {{ }} }}", SVC),
    (f"SELECT * {{ ?s ?p 'a\\\\' . SERVICE <{C}> {{ }} }}", SVC),  # 'a\\' ends there
    (f'SELECT * {{ ?s ?p "a\\"b SERVICE <{C}> {{ }} " }}', "SELECT"),
    (f'SELECT * {{ ?s ?p "a\\\\" . SERVICE <{C}> {{ }} }}', SVC),
    (f"SELECT * {{ ?s ?p 'it''s' . SERVICE <{C}> {{ }} }}", SVC),  # two strings
    (f"SELECT * {{ ?s ?p 'a\nSERVICE <{C}> {{ }} ' }}", SYN),  # no line end in '…'
    (f"SELECT * {{ ?s ?p '''a'''' . SERVICE <{C}> {{ }} }}", SYN),  # a stray ' is left open
    (f'SELECT * {{ ?s ?p """a"""" . SERVICE <{C}> {{ }} }}', SYN),
    ("SELECT * { ?s ?p 'caf\\u00e9' }", "SELECT"),
    (f"SELECT * {{ ?s ?p 'a\\u0027 . SERVICE <{C}> {{ }} #' }}", SYN),  # \u0027 is a quote
    ("SELECT * { ?s ?p 'a\\q' }", SYN),  # not an ECHAR
    # IRIs
    ("SELECT * { ?s ?p <http://x/SERVICE> }", "SELECT"),
    ("SELECT * { ?s ?p <http://x/#SERVICE> }", "SELECT"),
    ("SELECT * { ?s ?p <http://x/\\u0041> }", "SELECT"),
    ("SELECT * { ?s ?p <http://x/\\u003E> }", SYN),
    # prefixed names: local names are greedy, prefixes glued to { are SERVICE for Oxigraph
    ("SELECT * { ?s ex:SERVICE ?o }", "SELECT"),
    ("SELECT * { ?s ex:a.SERVICE ?o }", "SELECT"),
    ("SELECT * { ?s ex:a\\.SERVICE ?o }", "SELECT"),
    ("SELECT * { ?s ex:%53ERVICE ?o }", "SELECT"),
    ("PREFIX service: <http://x/> SELECT * { ?s service:p ?o }", "SELECT"),
    ("PREFIX service: <http://x/> SELECT * { GRAPH service:g { ?s ?p ?o } }", "SELECT"),
    (f"PREFIX service: <http://x/> PREFIX : <{C}> SELECT * {{ service:x {{ }} }}", SVC),
    (f"PREFIX : <{C}> SELECT * {{ ?s ?p ?o SERVICE:x{{ }} }}", SVC),
    (f"PREFIX c: <{C}> SELECT * {{ SERVICEc:x {{ }} }}", SVC),
    (f"PREFIX : <{C}> SELECT * {{ serviceSILENT:x {{ }} }}", SVC),
    # variables
    ("SELECT ?service { ?service ?p ?o }", "SELECT"),
    ("SELECT $service { $service ?p ?o }", "SELECT"),
    ("SELECT * { ?s ex:p ?xSERVICE }", "SELECT"),
    (f"SELECT * {{ ?s ex:p?trueSERVICE <{C}> {{ }} }}", SVC),  # path ?, then true SERVICE
    # case and glued keywords
    (f"SELECT * {{ sErViCe <{C}> {{ }} }}", SVC),
    (f"select * {{ service <{C}> {{ }} }}", SVC),
    (f"SELECT * {{ SERVICE SILENT <{C}> {{ }} }}", SVC),
    (f"SELECT*{{SERVICE<{C}>{{}}}}", SVC),
    (f"SELECT * {{ SERVICESILENT<{C}>{{}} }}", SVC),
    (f"SELECT * {{ ?s ?p trueSERVICE<{C}>{{}} }}", SVC),
    (f"SELECT * {{ ?s ?p falseSERVICE<{C}>{{}} }}", SVC),
    (f"SELECT * {{ ?s ?p ?o SERVICE<{C}>{{}} }}", SVC),
    (f"SELECT * {{ ?s ?p 1.5SERVICE<{C}>{{}} }}", SVC),
    (f"SELECT * {{ ?s ?p 'a'SERVICE<{C}>{{}} }}", SVC),
    (f"SELECT * {{ FILTER(true)SERVICE<{C}>{{}} }}", SVC),
    (f"SELECT * {{ ?s ?p 'a'@en-SERVICE <{C}> {{ }} }}", SVC),
    (f"SELECT * {{ ?s ?p ?o ſERVICE <{C}> {{ }} }}", SYN),  # not an ASCII keyword
    # everywhere a group can be
    (f"SELECT * {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{C}> {{ }} }} }}", SVC),
    (f"SELECT * {{ BIND(EXISTS {{ SERVICE <{C}> {{ }} }} AS ?x) }}", SVC),
    (f"ASK {{ {{ SELECT * {{ SERVICE <{C}> {{ }} }} }} }}", SVC),
    (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ OPTIONAL {{ SERVICE <{C}> {{ ?s ?p ?o }} }} }}", SVC),
    ("DESCRIBE ?s WHERE { ?s ?p ?o MINUS { SERVICE ?u { } } }", SVC),
    (f"BASE <{C}> SELECT * {{ SERVICE <> {{ }} }}", SVC),
    # '<' after an operand inside an expression may be less-than
    (f"SELECT * {{ ?s ?p ?o FILTER(?o<'x>') SERVICE <{C}> {{ }} #'\n }}", SYN),
    (f"SELECT * {{ ?s ?p ?o FILTER(?o <#>'''\n?o) SERVICE <{C}> {{ }} #'''\n }}", SYN),
    ("SELECT * { ?s ?p ?o FILTER(?o<?b&&?c>?d) }", "SELECT"),
    ("SELECT * { ?s ?p ?o FILTER(?p = <http://x/#y>) }", "SELECT"),
    ("SELECT * { ?s ?p ?o FILTER(?p IN (<http://x/#a>, <http://x/#b>)) }", "SELECT"),
    ("SELECT * { VALUES (?p ?o) { (<http://x/#a> <http://x/#b>) } }", "SELECT"),
    # updates, however spelled or hidden
    ("INSERT DATA { <a> <b> <c> }", UPD),
    ("insert data { <a> <b> <c> }", UPD),
    ("INSERTDATA{<a> <b> <c>}", UPD),
    ("DELETE WHERE { ?s ?p ?o }", UPD),
    ("DELETE DATA { <a> <b> <c> }", UPD),
    (f"LOAD <{C}>", UPD),
    (f"LOAD SILENT <{C}> INTO GRAPH <g>", UPD),
    ("CLEAR ALL", UPD),
    ("DROP GRAPH <http://example.org/g1>", UPD),
    ("CREATE GRAPH <http://x/>", UPD),
    ("COPY DEFAULT TO <http://x/>", UPD),
    ("MOVE <http://a/> TO <http://b/>", UPD),
    ("ADD <http://a/> TO <http://b/>", UPD),
    ("WITH <http://g/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", UPD),
    ("DELETE { ?s ?p ?o } USING <http://g/> WHERE { ?s ?p ?o }", UPD),
    ("PREFIX ex: <http://x/> BASE <http://y/> INSERT DATA { ex:a ex:b ex:c }", UPD),
    (f"# SELECT\nLOAD <{C}>", UPD),
    (f"#\rLOAD <{C}>", UPD),
    ("SELECT * { } ; INSERT DATA { <a> <b> <c> }", UPD),
    (f"SELECT * {{ ?s ?p 'x' }} # '\nLOAD <{C}>", UPD),
    ("SELECT * { ?s ?p 'INSERT DATA { }' } # DELETE WHERE { }", "SELECT"),
    ("SELECT ?insert { ?insert ex:delete ?load . ?load ex:INSERT ?drop }", "SELECT"),
    # FROM / FROM NAMED: the graphs held only, IRIs expanded and resolved as Oxigraph does
    (f"SELECT * FROM <{EX}g1> FROM NAMED <{EX}g2> {{ }}", "SELECT"),
    (f"SELECT * FROM <{EX}g3> {{ }}", FROM),
    (f"SELECT * from named <{EX}g3> {{ }}", FROM),
    (f"SELECT * FROMNAMED<{EX}g3>{{ }}", FROM),
    (f"SELECT * FROMNAMED<{EX}g1>{{ }}", "SELECT"),
    ("SELECT * FROM ex:g1 FROM NAMED ex:g2 { }", "SELECT"),
    ("SELECT * FROM ex:g3 { }", FROM),
    ("PREFIX ex: <http://other/> SELECT * FROM ex:g1 { }", FROM),
    (f"PREFIX : <{EX}> SELECT * FROM:g1 {{ }}", "SELECT"),
    (f"PREFIX : <{EX}> SELECT * FROM:g3 {{ }}", FROM),
    (f"PREFIXp:<{EX}>SELECT*FROM p:g1{{}}", "SELECT"),
    (f"BASE <{EX}sub/> SELECT * FROM <../g1> {{ }}", "SELECT"),
    (f"BASE <{EX}> SELECT * FROM <g3> {{ }}", FROM),
    (f"BASE <{EX}a/> PREFIX r: <../> SELECT * FROM r:g1 {{ }}", "SELECT"),
    (f"SELECT * FROM <{EX}g\\u0031> {{ }}", "SELECT"),
    (f"SELECT * FROM <{EX}g1#x> {{ }}", FROM),
    (f"SELECT * # FROM <{EX}g3>\n{{ }}", "SELECT"),
    (f"SELECT * {{ ?s ?p 'FROM <{EX}g3>' }}", "SELECT"),
    ("PREFIX from: <http://x/> SELECT * { ?s from:p ?o }", "SELECT"),
    (f"DESCRIBE ex:a FROM <{EX}g3>", FROM),
    (f"CONSTRUCT {{ ?s ?p ?o }} FROM <{EX}g3> WHERE {{ ?s ?p ?o }}", FROM),
    ("SELECT * FROM nope:g1 { }", SYN),
    # forms and plain syntax errors
    ("ASK { }", "ASK"),
    ("ask{}", "ASK"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("describe <http://x/>", "DESCRIBE"),
    ("PREFIX ex: <http://x/> BASE <http://y/> SELECT * { }", "SELECT"),
    ("SELECTDISTINCT ?s { ?s ?p ?o }", "SELECT"),
    ("", SYN),
    ("  # just a comment\n", SYN),
    ("{ ?s ?p ?o }", SYN),
    ("SELECT * { ?s ?p ?o } \\", SYN),
    ("SELECT * { ?s ?p ?o }\x00", SYN),
    ("SELECT * { ?s ?p ?o }\u00a0", SYN),  # not SPARQL whitespace
    ("SELECT * { ?s ?p ?o } `", SYN),
    ("PREFIX ex <http://x/> SELECT * { }", SYN),
    ("SELECT * " + "{" * MAX_DEPTH + "}" * MAX_DEPTH, "SELECT"),
    ("SELECT * " + "{" * (MAX_DEPTH + 1) + "}" * (MAX_DEPTH + 1), SYN),
    ("SELECT * { " + "?s ?p ?o . " * 25_001 + "}", SYN),  # past MAX_TOKENS
]


@pytest.mark.parametrize(("query", "expected"), TABLE)
def test_table(query: str, expected: str | type[BgraphError]) -> None:
    if isinstance(expected, str):
        assert check_query(query, KNOWN, prefixes=PREFIXES) == expected
    else:
        with pytest.raises(BgraphError) as caught:
            check_query(query, KNOWN, prefixes=PREFIXES)
        assert type(caught.value) is expected, caught.value


def test_statuses_and_messages() -> None:
    with pytest.raises(ServiceRefusedError, match=r"^SERVICE <http://127.0.0.1:9/> is not allowed"):
        check_query(f"SELECT * {{ SERVICE SILENT <{C}> {{}} }}", None)
    with pytest.raises(ForeignGraphError, match=r"FROM NAMED <http://example.org/g3> is not"):
        check_query(f"SELECT * FROM NAMED <{EX}g3> {{}}", KNOWN)
    with pytest.raises(QuerySyntaxError, match="line 2, column 3"):
        check_query("SELECT *\n{ ` }", KNOWN)
    assert ServiceRefusedError.http_status == 400
    assert ForeignGraphError.http_status == 400
    assert UpdateRefusedError.http_status == 403
    assert QuerySyntaxError.http_status == 400


def test_protocol_dataset_skips_the_from_check() -> None:
    assert check_query("SELECT * FROM <http://elsewhere/> { }", None) == "SELECT"
    with pytest.raises(ServiceRefusedError):
        check_query(f"SELECT * FROM <http://elsewhere/> {{ SERVICE <{C}> {{}} }}", None)


def test_base_argument_resolves_relative_from() -> None:
    assert check_query("SELECT * FROM <g1> { }", KNOWN, base=EX) == "SELECT"
    with pytest.raises(ForeignGraphError):
        check_query("SELECT * FROM <g1> { }", KNOWN, base="http://other/")


@pytest.mark.parametrize(
    ("query", "needed"),
    [
        ("ASK { <rel> ?p ?o }", True),  # a relative IRI resolves against the base
        ("BASE <x/> ASK { <a> ?p ?o }", True),  # so does a relative BASE
        ("PREFIX ex: <x#> ASK { ex:a ?p ?o }", True),  # and a relative namespace
        ('SELECT (iri("x") AS ?i) {}', True),  # IRI() and URI() resolve strings against it
        ('SELECT (URI("x") AS ?i) {}', True),
        (r"ASK { <http://a/\u0062> ?p ?o }", True),  # escapes: read as relative (the safe side)
        ("PREFIX ex: <http://x/#> ASK { ex:a <http://x/p> ?o }", False),
        ("ASK { ?iri ?p 'IRI' }", False),  # a variable and a string named IRI call nothing
        ("SELECT * { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }", False),
    ],
)
def test_needs_base_when_the_answer_can_depend_on_it(query: str, needed: bool) -> None:
    assert needs_base(tokenize(query)) is needed


# --- differential fuzz against pyoxigraph --------------------------------------------------------

CHILD = r"""
import ctypes, json, platform, signal, struct, sys
import pyoxigraph as ox
from bgraph.sandbox import deny_network

mechanism = deny_network()
# A second, stacked filter traps socket(AF_INET/AF_INET6) with SIGSYS: seccomp's TRAP outranks
# the sandbox's ERRNO, so every attempt is seen, even under SERVICE SILENT; the call still fails.
ARCH = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}[platform.machine()]
prog = [(0x20, 0, 0, 4), (0x15, 0, 5, ARCH[0]), (0x20, 0, 0, 0), (0x15, 0, 3, ARCH[1]),
        (0x20, 0, 0, 16), (0x15, 2, 0, 2), (0x15, 1, 0, 10),
        (0x06, 0, 0, 0x7FFF0000), (0x06, 0, 0, 0x00030000)]
raw = ctypes.create_string_buffer(b"".join(struct.pack("=HBBI", *i) for i in prog))
class Fprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]
fprog = Fprog(len(prog), ctypes.cast(raw, ctypes.c_void_p))
libc = ctypes.CDLL(None, use_errno=True)
assert libc.prctl(38, 1, 0, 0, 0) == 0
assert libc.prctl(22, 2, ctypes.byref(fprog), 0, 0) == 0
trapped = [0]
signal.signal(signal.SIGSYS, lambda *_: trapped.__setitem__(0, trapped[0] + 1))

def settle():
    return trapped[0]

store = ox.Store()
out = []
for query in json.load(open(sys.argv[1])):
    before = settle()
    try:
        answer = store.query(query)
        try:
            list(answer)
        except TypeError:  # ASK: a boolean
            bool(answer)
        parsed = True
    except SyntaxError:
        parsed = False
    except Exception:
        parsed = True
    out.append([parsed, settle() > before])
print(json.dumps({"mechanism": mechanism, "results": out}))
"""

PROLOGUES = [
    "PREFIX : <{c}> PREFIX c: <{c}> PREFIX ex: <http://example.org/> ",
    "BASE <{c}> PREFIX : <{c}> PREFIX ex: <http://example.org/> ",
    "PREFIX service: <{c}> PREFIX : <{c}> PREFIX ex: <http://example.org/> ",
]
PAYLOADS = [
    "SERVICE <{c}> {{ }}",
    "SERVICE SILENT <{c}> {{ ?s ?p ?o }}",
    "SERVICE<{c}>{{}}",
    "SERVICESILENT<{c}>{{}}",
    "sErViCe <{c}> {{}}",
    "service :x {{}}",
    "SERVICE:x{{}}",
    "service:x{{}}",
    "SERVICE c:x {{}}",
    "serviceSILENTc:x{{}}",
    "SERVICE <> {{}}",
]
HIDERS = [
    "",
    "#",
    "#\r",
    "#\n",
    "#\r\n",
    "# x\x0c",
    "# \\u000A ",
    "#\\u000d",
    "?s ?p ?o",
    "?s ?p ?o .",
    "?s ?p 'x'",
    "?s ?p 'a\\'b'",
    "?s ?p '''a\\''''",
    '?s ?p """a""""',
    "?s ?p '''a''''",
    "?s ex:a\\#b ?o",
    "?s ex:a\\'b 'y'",
    "?s ex:a\\'b ?o",
    "?s ?p ex:a.",
    "?s ?p ex:a\\.",
    "?s ?p true",
    "?s ?p false",
    "?s ?p 1.5",
    "?s ?p 1e5",
    "?s ?p 1.",
    "?s ?p ()",
    "?s ?p []",
    "?s ex:p?true",
    "?s ex:p?1",
    "?s ex:p?",
    "?s ?p 'a'@en",
    "?s ?p 'a'@en-",
    "?s ?p 'a'@en--ltr",
    "FILTER(?o<'x>')",
    "FILTER(?o<#>'''",
    "FILTER(true)",
    "BIND(1 AS ?x)",
    "?s ?p <a#b>",
    '?s ?p "a\\"b"',
    "{}",
    "OPTIONAL {}",
    "MINUS {",
    "FILTER EXISTS {",
    "{ SELECT * {",
    "?s ?p 'a\\u0027",
    '?s ?p "\\u0022',
    "?s ?p <a\\u003E",
    "VALUES ?x { UNDEF }",
    "?s ?p ?o FILTER(?o)",
    "GRAPH ?g {",
    "?s a",
    "?s ?p _:b",
]
CLOSERS = ["", " }", " #'\n }", "'", "'''", "\n?o)", " #'''\n?o)", '"', " } }", ")"]
SEPARATORS = ["", " ", "\n", "\r", "\t"]
ALPHABET = "'\"#\\\r\n\t <>{}():.?@$_^aeSERVICElentru0159-=,;|"


def _generate(rng: random.Random, c: str, count: int) -> list[str]:
    queries = []
    for _ in range(count):
        prologue = rng.choice(PROLOGUES).format(c=c)
        form = rng.choice(["SELECT * WHERE", "SELECT*", "ASK", "CONSTRUCT WHERE", "DESCRIBE ?s"])
        body = (
            "".join(
                rng.choice(HIDERS) + rng.choice(SEPARATORS) for _ in range(rng.choice([1, 1, 2, 3]))
            )
            + rng.choice(PAYLOADS).format(c=c)
            + rng.choice(CLOSERS)
        )
        query = f"{prologue}{form} {{ {body} }}"
        for _ in range(rng.choice([0, 0, 1, 2, 3])):
            at = rng.randrange(len(query) + 1)
            edit = rng.random()
            if edit < 0.4:
                query = query[:at] + rng.choice(ALPHABET) + query[at:]
            elif edit < 0.7:
                query = query[:at] + query[at + 1 :]
            elif edit < 0.85:
                query = query[:at] + query[at:].swapcase()
            else:
                end = min(len(query), at + rng.randrange(1, 8))
                query = query[:at] + query[at:end] * 2 + query[end:]
        queries.append(query)
    return queries


def _oxigraph_verdicts(queries: list[str], tmp_path: Path) -> tuple[str, list[list[bool]]]:
    path = tmp_path / "queries.json"
    path.write_text(json.dumps(queries), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CHILD), str(path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    reply = json.loads(out.stdout.strip().splitlines()[-1])
    return reply["mechanism"], reply["results"]


@pytest.mark.skipif(sys.platform != "linux", reason="needs seccomp (Linux)")
def test_guard_refuses_whatever_makes_oxigraph_connect(
    canary: Canary,  # noqa: F811
    tmp_path: Path,
) -> None:
    rng = random.Random(20240917)
    c = canary.url
    controls = [
        f"SELECT * {{ SERVICE <{c}> {{ }} }}",  # must be seen
        f"SELECT * {{ SERVICE SILENT <{c}> {{ }} }}",  # must be seen, although it answers
        "SELECT * { ?s ?p ?o }",  # must not be seen
    ]
    queries = controls + _generate(rng, c, 16_000)
    mechanism, verdicts = _oxigraph_verdicts(queries, tmp_path)
    if mechanism != "seccomp":
        pytest.skip(f"the trap needs seccomp ({mechanism} here)")
    assert [v[1] for v in verdicts[:3]] == [True, True, False], "the detector does not work"
    connecting = [q for q, (_parsed, tried) in zip(queries, verdicts, strict=True) if tried]
    missed = []
    for query in connecting:
        try:
            check_query(query, None)
        except BgraphError:
            continue
        missed.append(query)
    assert not missed, f"{len(missed)} queries reach the network past the guard: {missed[:5]!r}"
    assert len(connecting) >= 200, "too few generated queries reach SERVICE to mean anything"
    assert canary.settled() == 0, "a query connected despite deny_network()"


#: RFC 3986 section 5.4: reference resolution examples (5.4.1 normal, 5.4.2 abnormal, strict),
#: against the base http://a/b/c/d;p?q; plus absolute references with dot segments (5.2.2:
#: their paths lose them too).
RFC_3986_EXAMPLES = {
    "g:h": "g:h",
    "g": "http://a/b/c/g",
    "./g": "http://a/b/c/g",
    "g/": "http://a/b/c/g/",
    "/g": "http://a/g",
    "//g": "http://g",
    "?y": "http://a/b/c/d;p?y",
    "g?y": "http://a/b/c/g?y",
    "#s": "http://a/b/c/d;p?q#s",
    "g#s": "http://a/b/c/g#s",
    "g?y#s": "http://a/b/c/g?y#s",
    ";x": "http://a/b/c/;x",
    "g;x": "http://a/b/c/g;x",
    "g;x?y#s": "http://a/b/c/g;x?y#s",
    "": "http://a/b/c/d;p?q",
    ".": "http://a/b/c/",
    "./": "http://a/b/c/",
    "..": "http://a/b/",
    "../": "http://a/b/",
    "../g": "http://a/b/g",
    "../..": "http://a/",
    "../../": "http://a/",
    "../../g": "http://a/g",
    "../../../g": "http://a/g",
    "../../../../g": "http://a/g",
    "/./g": "http://a/g",
    "/../g": "http://a/g",
    "g.": "http://a/b/c/g.",
    ".g": "http://a/b/c/.g",
    "g..": "http://a/b/c/g..",
    "..g": "http://a/b/c/..g",
    "./../g": "http://a/b/g",
    "./g/.": "http://a/b/c/g/",
    "g/./h": "http://a/b/c/g/h",
    "g/../h": "http://a/b/c/h",
    "g;x=1/./y": "http://a/b/c/g;x=1/y",
    "g;x=1/../y": "http://a/b/c/y",
    "g?y/./x": "http://a/b/c/g?y/./x",
    "g?y/../x": "http://a/b/c/g?y/../x",
    "g#s/./x": "http://a/b/c/g#s/./x",
    "g#s/../x": "http://a/b/c/g#s/../x",
    "http:g": "http:g",
    "http://x/a/./b/../c": "http://x/a/c",
    "http://x/a?q=/./": "http://x/a?q=/./",
    "urn:./a": "urn:a",
}


@pytest.mark.parametrize(("ref", "expected"), sorted(RFC_3986_EXAMPLES.items()))
def test_iri_resolution_follows_rfc_3986(ref: str, expected: str) -> None:
    from bgraph.sparql.guard import resolve

    assert resolve("http://a/b/c/d;p?q", ref) == expected


# --- the plain PREFIX prologue, read once ---------------------------------------------------------

#: prologues to put before the table's queries: plain ones (read from the cache), and ones the
#: cache must leave alone or stop short of (a comment, an escape, BASE, a glued keyword, ...)
PROLOGUE_VARIANTS = [
    "PREFIX ex: <http://example.org/>\n",
    "prefix ex: <http://example.org/> PrEfIx : <g1>\n",
    "PREFIX ex:<http://example.org/>PREFIX e.x-1: <http://example.org/x>",
    "PREFIX ex: <http://example.org/> # a comment <http://x/>\n",
    "PREFIX ex: <http://example.org/\\u0041> ",
    "PREFIX ex: <http://example.org/> BASE <http://example.org/> PREFIX b: <g2> ",
    "PREFIXex: <http://example.org/> ",
    "PREFIX service: <http://127.0.0.1:9/> PREFIX insert: <http://x/> ",
    "PREFIX ex: <http://example.org/> PREFIX ex: <http://elsewhere/> ",
    "PREFIX ex: <http://example.org/>",
    "  \t\r\n PREFIX ex: <é> ",
]


def _outcome(query: str, base: str | None) -> object:
    try:
        return read_query(query, KNOWN, prefixes=PREFIXES, base=base)
    except BgraphError as exc:
        return type(exc), str(exc)


def test_a_cached_prologue_reads_as_the_whole_text_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard reads a plain PREFIX prologue once (its tokens and resolved prefixes), then only
    the rest of each query. Every query reads exactly as when the whole text is read: the same
    form and tokens, or the same refusal with the same message (the cache turned off is the
    reference)."""
    rng = random.Random(20261129)
    queries = _generate(rng, C, 3000)
    queries += [p + q for p in PROLOGUE_VARIANTS for q, _ in TABLE[:-1]]
    queries += [
        q.replace("PREFIX", "PREFIX ex: <http://example.org/g1> PREFIX", 1) for q in queries[:500]
    ]
    _read_prologue.cache_clear()
    cached = [_outcome(q, base) for q in queries for base in (None, EX)]
    assert _read_prologue.cache_info().hits > 3000  # the cache was used
    monkeypatch.setattr(guard, "_CACHED_PROLOGUE", -1)  # never: every text read whole
    assert cached == [_outcome(q, base) for q in queries for base in (None, EX)]
