"""bgraph's benchmark: one command, one process tree, one run, every goal of issue 9.

    python bench/run.py                  # the full run (about 10-15 minutes on 2 cores)
    python bench/run.py --quick          # a smoke run (small sizes, few rounds; results/quick/)

Every measure runs the real commands a user types (``bgraph serve``, ``bgraph reason``, ``bgraph
build``), as child processes on 127.0.0.1, against ``oxigraph serve`` on the same data:

1. **goals**: each performance goal with its target and the measured figure (a table at the top
   of latest.md). Speed goals are reported, never asserted.
2. **closure**: ``bgraph reason [FILE] --json --no-cache`` per reasoner on the Ballard graph and
   on synthetic universes (``bgraph synth``) of 10k, 100k and 1M triples: the closure time the
   command reports, its wall time and its peak RSS (from wait4). owlrl, the slow reference, runs
   only up to ``--owlrl-max`` triples.
3. **reason end to end**: ``bgraph reason FILE -o out.nq`` at 100k and 1M, empty closure cache.
4. **build and start**: ``bgraph build [FILE] -o DIR``, then ``bgraph serve --store DIR`` launched
   ``--cold-runs`` times: launch to its first answer.
5. **the default server**: ``bgraph serve`` (no option; the built-in data, then a 100k FILE)
   against ``oxigraph serve`` (in memory) given the same quads (``oxigraph dump`` of the store
   ``bgraph build`` wrote from the same inputs). Cold start, first answer, PSS of the server and
   its workers (/proc/PID/smaps_rollup of the whole process tree), home page and entity pages,
   then latency p50/p95 of each bench query (bench/queries/*.rq; the six tagged ``# shape:``
   make the goal's geo-mean) A/B interleaved, and throughput at concurrency 8, A/B alternating
   windows. Both servers must give the same answers (checked before timing).
6. **a built store**: ``bgraph serve --store DIR`` against ``oxigraph serve-read-only`` on the same
   RocksDB files (same measures), and at 1M the pages of ``bgraph serve --store DIR``.

A command that fails (the product is changing under the bench) is reported as failed, in the
goals table and in its section, and the run goes on. Writes bench/results/latest.json, latest.md
(the README quotes its tables; keep their format) and latest.png.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RESULTS = HERE / "results"
QUERIES = HERE / "queries"
BASE_IRI = "https://w3id.org/bgraph/"
ASK_ANY = "ASK { ?s ?p ?o }"
PREFIXES = {  # used when bgraph.namespaces cannot be imported
    "bg": "https://w3id.org/bgraph/ontology/",
    "id": "https://w3id.org/bgraph/id/",
    "claim": "https://w3id.org/bgraph/claim/",
    "bgg": "https://w3id.org/bgraph/graph/",
    "schema": "https://schema.org/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "wd": "http://www.wikidata.org/entity/",
}
#: The query shapes of the latency goal (issue 9), each tagged ``# shape: NAME`` in one file.
SHAPES = ("label search", "2-hop join", "GROUP BY count", "OPTIONAL+REGEX", "CONSTRUCT", "ASK")


# -- helpers --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bgraph_cmd() -> list[str]:
    """The ``bgraph`` a user runs: the console script beside this Python, else ``-m bgraph``."""
    script = Path(sys.executable).parent / "bgraph"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bgraph"]


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(found).exists():
        sys.exit("bench: the `oxigraph` server is missing: pip install -e '.[bench]'")
    return found


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(q * (len(s) - 1))))
    return s[k]


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


def label(size: str | int) -> str:
    if size == "ballard":
        return "Ballard"
    n = int(size)
    if n >= 1_000_000:
        return f"{n / 1_000_000:g}M"
    return f"{n / 1000:g}k"


def tail(text: str, n: int = 1) -> str:
    lines = [x.strip() for x in text.strip().splitlines() if x.strip()]
    return " / ".join(lines[-n:])[-300:]


def _du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def query_form(text: str) -> str:
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    body = re.sub(r"(?im)^\s*(PREFIX|BASE)\s+[^\n]*$", "", body)
    found = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", body, re.IGNORECASE)
    return found.group(1).upper() if found else "SELECT"


def accept(text: str) -> dict[str, str]:
    graph = query_form(text) in ("CONSTRUCT", "DESCRIBE")
    return {"Accept": "application/n-triples" if graph else "application/sparql-results+json"}


def shape_of(text: str) -> str | None:
    found = re.search(r"(?im)^#\s*shape:\s*(.+?)\s*$", text)
    return found.group(1) if found else None


# -- processes: launch, first answer, memory, stop ---------------------------------------------


@dataclass
class Served:
    """A server this bench launched (its own process group), and when it first answered."""

    proc: subprocess.Popen[bytes]
    base: str  #: http://127.0.0.1:PORT/
    sparql: str  #: its SPARQL endpoint
    log: Path
    first_answer_s: float = float("nan")
    samples: list[float] = field(default_factory=list)

    def log_tail(self) -> str:
        try:
            return tail(self.log.read_text("utf-8", errors="replace"))
        except OSError:
            return ""


def launch(cmd: list[str], base: str, sparql: str, env: dict[str, str], timeout: float) -> Served:
    """Start CMD and wait for its first answer to ``ASK { ?s ?p ?o }`` (launch to 200 OK)."""
    import httpx

    log = Path(tempfile.mkstemp(prefix="bench-serve-", suffix=".log")[1])
    with log.open("wb") as err:
        launched = time.perf_counter()
        proc = subprocess.Popen(
            cmd, stdout=err, stderr=err, env=env, start_new_session=True, cwd=tempfile.gettempdir()
        )
    served = Served(proc, base, sparql, log)
    with httpx.Client(timeout=max(timeout, 5)) as client:
        while True:
            try:
                r = client.post(sparql, data={"query": ASK_ANY}, headers=accept(ASK_ANY))
                if r.status_code == 200:
                    served.first_answer_s = time.perf_counter() - launched
                    return served
            except httpx.TransportError:
                pass
            if proc.poll() is not None:
                msg = f"{Path(cmd[0]).name} {' '.join(cmd[1:3])} exited with {proc.returncode}"
                raise RuntimeError(f"{msg}: {served.log_tail()}")
            if time.perf_counter() - launched > timeout:
                stop(served)
                raise RuntimeError(f"no answer within {timeout:.0f} s: {served.log_tail()}")
            time.sleep(0.005)


def stop(served: Served | None) -> None:
    """Ctrl-C the server (bgraph stops its workers), then kill the group this bench created."""
    if served is None:
        return
    proc = served.proc
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(10)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # the session start_new_session gave this server
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(5)
    served.log.unlink(missing_ok=True)


def process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def tree_pss_mb(root: int) -> tuple[float, int]:
    """PSS of ROOT and all its descendants (MB), and how many processes that is."""
    total_kb, n = 0, 0
    for pid in process_tree(root):
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        found = re.search(r"^Pss:\s+(\d+) kB", text, re.MULTILINE)
        if found:
            total_kb += int(found.group(1))
            n += 1
    return total_kb / 1024, n


def run_timed(
    cmd: list[str], env: dict[str, str], timeout: float, cwd: Path | None = None
) -> dict[str, Any]:
    """Run CMD; wall time, exit code, output and peak RSS (MB) of the child, from wait4."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=cwd)
        deadline = t0 + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                proc.returncode = -9
                return {"timeout": timeout, "wall_s": round(time.perf_counter() - t0, 3)}
            time.sleep(0.01)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {
            "rc": proc.returncode,
            "wall_s": round(wall, 3),
            "peak_mb": round(usage.ru_maxrss / 1024, 1),
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace"),
        }


# -- answers: the same on both servers? ----------------------------------------------------------


def _term_key(v: dict[str, str]) -> tuple[str, ...]:
    kind = "literal" if v["type"] == "typed-literal" else v["type"]
    if kind == "bnode":
        return ("bnode",)
    datatype = v.get("datatype", "")
    if datatype == PREFIXES["xsd"] + "string":
        datatype = ""
    return (kind, v["value"], datatype, v.get("xml:lang", ""))


def answer(client: Any, url: str, text: str) -> Any:
    """The answer as a comparable value: rows as a multiset, graphs as a set, bnodes blanked."""
    r = client.post(url, data={"query": text}, headers=accept(text))
    r.raise_for_status()
    if query_form(text) in ("CONSTRUCT", "DESCRIBE"):
        import pyoxigraph as ox

        triples = ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES)
        return {
            tuple(
                "_:" if isinstance(t, ox.BlankNode) else str(t)
                for t in (x.subject, x.predicate, x.object)
            )
            for x in triples
        }
    body = r.json()
    if "boolean" in body:
        return body["boolean"]
    return Counter(
        tuple(sorted((k, _term_key(v)) for k, v in row.items()))
        for row in body["results"]["bindings"]
    )


# -- the run --------------------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        from rich.console import Console

        self.args = args
        self.console = Console(stderr=True)
        self.tmp = Path(tempfile.mkdtemp(prefix="bgraph-bench-"))
        self.env = {k: v for k, v in os.environ.items() if k != "BGRAPH_SERVE_STORE"}
        self.env.update(PYTHONUNBUFFERED="1", BGRAPH_CACHE_DIR=str(self.tmp / "cache"))
        self.out: dict[str, Any] = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": " ".join(["python bench/run.py", *sys.argv[1:]]),
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
            },
            "versions": versions(),
            "load_average": {"start": [round(x, 2) for x in os.getloadavg()]},
            "goals": [],
            "closure": [],
            "reason": [],
            "build": [],
            "serve": [],
            "queries": [],
        }
        self.goals: dict[str, dict[str, Any]] = {}
        self.mix = self._mix()

    # goals: declared up front, each filled in (or failed) by the step that measures it
    def declare_goals(self) -> None:
        mid, large = label(self.args.mid), label(self.args.large)
        rows = [
            (
                "p50-seed",
                "default `bgraph serve` p50 / `oxigraph serve`, geo-mean of the "
                "6 query shapes, Ballard (seed graph)",
                "<=",
                1.5,
                "×",
            ),
            (
                "p50-mid",
                f"default `bgraph serve FILE` p50 / `oxigraph serve`, geo-mean of the "
                f"6 query shapes, {mid}",
                "<=",
                1.2,
                "×",
            ),
            (
                "qps-seed",
                "default `bgraph serve` throughput at concurrency 8 / `oxigraph serve`'s, Ballard",
                ">=",
                0.8,
                "×",
            ),
            (
                "qps-mid",
                f"default `bgraph serve FILE` throughput at concurrency 8 / `oxigraph "
                f"serve`'s, {mid}",
                ">=",
                0.8,
                "×",
            ),
            (
                "cold-seed",
                "default `bgraph serve` cold start to first answer, Ballard",
                "<=",
                0.5,
                "s",
            ),
            ("reason-mid", f"`bgraph reason FILE -o out.nq` end to end, {mid}", "<=", 3, "s"),
            ("reason-large", f"`bgraph reason FILE -o out.nq` end to end, {large}", "<=", 30, "s"),
            ("first-mid", f"`bgraph serve FILE` first answer, {mid}", "<=", 8, "s"),
            ("pss-mid", f"`bgraph serve FILE` server + workers PSS, {mid}", "<=", 400, "MB"),
            ("home-mid", f"home page first visit, `bgraph serve FILE`, {mid}", "<=", 1, "s"),
            ("entity-mid", f"entity page p50, `bgraph serve FILE`, {mid}", "<=", 100, "ms"),
            (
                "home-large",
                f"home page first visit, `bgraph serve --store DIR`, {large}",
                "<=",
                1,
                "s",
            ),
            (
                "entity-large",
                f"entity page p50, `bgraph serve --store DIR`, {large}",
                "<=",
                100,
                "ms",
            ),
            ("build-large", f"`bgraph build` of {large}", "<=", 45, "s"),
        ]
        for key, goal, cmp, target, unit in rows:
            row = {
                "id": key,
                "goal": goal,
                "cmp": cmp,
                "target": target,
                "unit": unit,
                "measured": None,
                "met": None,
                "note": "not run",
            }
            self.goals[key] = row
            self.out["goals"].append(row)

    def measured(self, key: str, value: float | None, note: str = "") -> None:
        row = self.goals[key]
        if value is None or (isinstance(value, float) and math.isnan(value)):
            row.update(measured=None, met=None, note=note or "failed")
            return
        ok = value <= row["target"] if row["cmp"] == "<=" else value >= row["target"]
        row.update(measured=round(value, 3), met=ok, note=note)

    def failed(self, keys: list[str], why: str) -> None:
        for key in keys:
            if self.goals[key]["measured"] is None:
                self.goals[key].update(met=None, note=f"failed: {why}"[:300])

    def step(self, text: str):
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        return Progress(
            SpinnerColumn(),
            TextColumn(text + " [progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=False,
        )

    def note(self, text: str) -> None:
        self.console.print(text, highlight=False)

    def _mix(self) -> dict[str, str]:
        try:
            from bgraph.namespaces import PREFIXES as found

            prefixes = {p: str(ns) for p, ns in found.items()}
        except Exception:
            prefixes = PREFIXES
        head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items())
        return {q.stem: head + q.read_text(encoding="utf-8") for q in sorted(QUERIES.glob("*.rq"))}

    # data
    def synth(self, n: int) -> Path:
        DATA.mkdir(exist_ok=True)
        path = DATA / f"synth-{n}-seed0.nt"
        if not path.exists():
            part = path.with_suffix(".part.nt")
            done = run_timed(
                [*bgraph_cmd(), "synth", "-n", str(n), "--seed", "0", "-o", str(part), "-q"],
                self.env,
                1800,
            )
            if done.get("rc") != 0:
                raise RuntimeError(f"bgraph synth -n {n}: {tail(done.get('stderr', ''))}")
            part.rename(path)
        return path

    def inputs(self, size: str | int) -> list[Path]:
        return [] if size == "ballard" else [self.synth(int(size))]

    # closure table: bgraph reason --json --no-cache, one child per measure
    def closures(self) -> None:
        rows: list[dict[str, Any]] = []
        for size in ["ballard", *self.args.sizes]:
            for reasoner in ("fast", "owlrl"):
                row: dict[str, Any] = {"reasoner": reasoner, "size": size}
                if reasoner == "owlrl" and size != "ballard" and int(size) > self.args.owlrl_max:
                    row["skipped"] = (
                        f"owlrl only up to {self.args.owlrl_max:,} triples (--owlrl-max); it "
                        "took 407 s at 100k in earlier measurements"
                    )
                rows.append(row)
        self.out["closure"] = rows
        jobs = [r for r in rows if "skipped" not in r]
        with self.step("closure") as bar:
            task = bar.add_task("", total=len(jobs))
            for row in jobs:
                reasoner, size = row["reasoner"], row["size"]
                bar.update(task, description=f"{reasoner} {label(size)}")
                try:
                    files = [str(p) for p in self.inputs(size)]
                    cmd = [*bgraph_cmd(), "reason", *files, "--reasoner", reasoner, "--json"]
                    done = run_timed([*cmd, "--no-cache"], self.env, self.args.timeout)
                    if "timeout" in done:
                        row["skipped"] = f"over the {self.args.timeout:.0f} s time limit"
                    elif done["rc"] != 0:
                        row["error"] = f"exit {done['rc']}: {tail(done['stderr'])}"
                    else:
                        report = json.loads(done["stdout"])
                        row.update(
                            input_triples=report.get("ontology_triples", 0)
                            + report.get("data_triples", 0),
                            inferred=report.get("inferred"),
                            closure_s=report.get("seconds"),
                            wall_s=done["wall_s"],
                            peak_mb=done["peak_mb"],
                        )
                except Exception as e:
                    row["error"] = str(e)[:300]
                bar.advance(task)

    # reason FILE -o out.nq, end to end, empty cache
    def reasons(self) -> None:
        for key, size in (("reason-mid", self.args.mid), ("reason-large", self.args.large)):
            row: dict[str, Any] = {"size": size, "command": "bgraph reason FILE -o out.nq"}
            with self.step(f"reason {label(size)} -o out.nq") as bar:
                task = bar.add_task("", total=None)
                try:
                    src = self.synth(size)
                    work = Path(tempfile.mkdtemp(dir=self.tmp))
                    env = {**self.env, "BGRAPH_CACHE_DIR": str(work / "cache")}
                    cmd = [*bgraph_cmd(), "reason", str(src), "-o", "out.nq"]
                    done = run_timed(cmd, env, self.args.timeout, cwd=work)
                    if "timeout" in done:
                        raise RuntimeError(f"over the {self.args.timeout:.0f} s time limit")
                    if done["rc"] != 0:
                        raise RuntimeError(f"exit {done['rc']}: {tail(done['stderr'])}")
                    out = work / "out.nq"
                    with out.open("rb") as f:
                        lines = sum(1 for _ in f)
                    row.update(
                        seconds=done["wall_s"],
                        peak_mb=done["peak_mb"],
                        out_lines=lines,
                        out_mb=round(out.stat().st_size / 1e6, 1),
                    )
                    self.measured(key, done["wall_s"])
                    shutil.rmtree(work, ignore_errors=True)
                except Exception as e:
                    row["error"] = str(e)[:300]
                    self.failed([key], row["error"])
                bar.update(task, total=1, completed=1)
            self.out["reason"].append(row)

    # build [FILE] -o DIR: timed through the CLI; then serve --store DIR cold starts
    def build(self, size: str | int) -> Path | None:
        store = DATA / f"store-{size}"
        row: dict[str, Any] = {"size": size}
        self.out["build"].append(row)
        with self.step(f"build {label(size)}") as bar:
            task = bar.add_task("", total=None)
            try:
                files = [str(p) for p in self.inputs(size)]
                cmd = [*bgraph_cmd(), "build", *files, "-o", str(store), "--force", "--json"]
                done = run_timed(cmd, self.env, self.args.timeout)
                if "timeout" in done:
                    raise RuntimeError(f"over the {self.args.timeout:.0f} s time limit")
                if done["rc"] != 0:
                    raise RuntimeError(f"exit {done['rc']}: {tail(done['stderr'])}")
                row.update(build_s=done["wall_s"], peak_mb=done["peak_mb"])
                with contextlib.suppress(ValueError, AttributeError):
                    manifest = json.loads(done["stdout"])
                    row.update(
                        {
                            k: manifest[k]
                            for k in ("quads", "union", "inferred", "timings")
                            if k in manifest
                        }
                    )
                row["store_mb"] = round(_du(store) / 1e6, 1)
                if size == self.args.large:
                    self.measured("build-large", done["wall_s"])
            except Exception as e:
                row["error"] = str(e)[:300]
                if size == self.args.large:
                    self.failed(["build-large"], row["error"])
                return None
            finally:
                bar.update(task, total=1, completed=1)
        firsts = []
        with self.step(f"cold start serve --store DIR {label(size)}") as bar:
            task = bar.add_task("", total=self.args.cold_runs)
            try:
                for _ in range(self.args.cold_runs):
                    srv = self.bgraph("--store", str(store))
                    firsts.append(srv.first_answer_s)
                    stop(srv)
                    bar.advance(task)
                row["serve_first_answer_s"] = round(statistics.median(firsts), 3)
                row["serve_first_answer_runs_s"] = [round(x, 3) for x in firsts]
            except Exception as e:
                row["serve_error"] = str(e)[:300]
        return store

    def bgraph(self, *args: str, env: dict[str, str] | None = None) -> Served:
        port = free_port()
        base = f"http://127.0.0.1:{port}/"
        # the default: with its access log (one line per request, to the log file)
        cmd = [*bgraph_cmd(), "serve", "--host", "127.0.0.1", "--port", str(port), *args]
        return launch(cmd, base, base + "sparql", env or self.env, self.args.start_timeout)

    def oxigraph(self, *args: str) -> Served:
        port = free_port()
        base = f"http://127.0.0.1:{port}/"
        cmd = [oxigraph_binary(), *args, "--bind", f"127.0.0.1:{port}"]
        return launch(cmd, base, base + "query", self.env, 120)

    def oxigraph_in_memory(self, store: Path) -> tuple[Served, dict[str, Any]]:
        """``oxigraph serve`` in RAM, given the quads of STORE (``oxigraph dump``) over HTTP."""
        import httpx
        import pyoxigraph as ox

        dump = self.tmp / f"{store.name}.nq"
        done = run_timed(
            [oxigraph_binary(), "dump", "--location", str(store), "--file", str(dump)],
            self.env,
            600,
        )
        if done.get("rc") != 0:
            raise RuntimeError(f"oxigraph dump: {tail(done.get('stderr', ''))}")
        in_default = any(
            isinstance(q.graph_name, ox.DefaultGraph) for q in ox.parse(path=str(dump))
        )
        # bgraph's default graph is the union of its graphs: written into the store by build,
        # or (if a store ever stops writing it) Oxigraph's own union default graph
        oxi = self.oxigraph("serve", *([] if in_default else ["--union-default-graph"]))
        t0 = time.perf_counter()
        with dump.open("rb") as f:
            r = httpx.post(
                oxi.base + "store",
                content=f.read(),
                timeout=600,
                headers={"Content-Type": "application/n-quads"},
            )
        if r.status_code >= 300:
            stop(oxi)
            raise RuntimeError(f"oxigraph serve refused the quads: {r.status_code} {r.text[:200]}")
        info = {
            "load_s": round(time.perf_counter() - t0, 3),
            "union_default_graph": not in_default,
            "quads": sum(1 for _ in dump.open("rb")),
        }
        dump.unlink()
        return oxi, info

    # the default server, A/B against oxigraph serve in memory
    def default_pair(self, size: str | int, store: Path | None) -> None:
        seed = size == "ballard"
        keys = ["p50-seed", "qps-seed"] if seed else ["p50-mid", "qps-mid"]
        if not seed:
            keys += ["first-mid", "pss-mid", "home-mid", "entity-mid"]
        if seed:
            self.cold_start_seed()
        row: dict[str, Any] = {
            "size": size,
            "mode": "memory",
            "command": "bgraph serve" + ("" if seed else " FILE"),
        }
        self.out["serve"].append(row)
        oxi = ours = None
        try:
            if store is None:
                raise RuntimeError("no store to give oxigraph serve the same quads (build failed)")
            oxi, info = self.oxigraph_in_memory(store)
            row["oxigraph"] = info
            files = [str(p) for p in self.inputs(size)]
            env = {**self.env, "BGRAPH_CACHE_DIR": str(self.tmp / f"cache-serve-{size}")}
            with self.step(f"bgraph serve {'FILE ' if files else ''}{label(size)}") as bar:
                task = bar.add_task("launch to first answer", total=None)
                ours = self.bgraph(*files, env=env)
                bar.update(task, total=1, completed=1)
            row["first_answer_s"] = round(ours.first_answer_s, 3)
            if not seed:
                self.measured("first-mid", ours.first_answer_s, "closure cache empty")
            self.pages(ours, row, None if seed else ("home-mid", "entity-mid"))
            self.ab(size, "memory", {"bgraph": ours, "oxigraph": oxi}, keys[:2])
            pss, n = tree_pss_mb(ours.proc.pid)
            row["pss_after_bench_mb"], row["processes"] = round(pss, 1), n
            peak = max(row["pss_after_start_mb"], row["pss_after_pages_mb"], pss)
            row["pss_mb"] = round(peak, 1)
            if not seed:
                self.measured(
                    "pss-mid",
                    peak,
                    f"{n} processes; max of after start, after pages and after the query bench",
                )
        except Exception as e:
            row["error"] = str(e)[:300]
            self.failed(keys, row["error"])
        finally:
            stop(ours)
            stop(oxi)
        if not seed and "error" not in row:
            with contextlib.suppress(Exception):  # a second start, closure cached
                again = self.bgraph(*files, env=env)
                row["first_answer_cached_s"] = round(again.first_answer_s, 3)
                stop(again)

    def cold_start_seed(self) -> None:
        """``bgraph serve`` with no argument, launched ``--cold-runs`` times (the first with an
        empty closure cache): launch to the first answer."""
        env = {**self.env, "BGRAPH_CACHE_DIR": str(self.tmp / "cache-cold")}
        row: dict[str, Any] = {"size": "ballard", "mode": "cold start", "command": "bgraph serve"}
        runs = []
        with self.step("cold start bgraph serve, Ballard") as bar:
            task = bar.add_task("", total=self.args.cold_runs)
            try:
                for _ in range(self.args.cold_runs):
                    srv = self.bgraph(env=env)
                    runs.append(srv.first_answer_s)
                    stop(srv)
                    bar.advance(task)
                row["first_answer_s"] = round(statistics.median(runs), 3)
                row["runs_s"] = [round(x, 3) for x in runs]
                self.measured(
                    "cold-seed",
                    statistics.median(runs),
                    f"median of {len(runs)} launches; first launch (empty closure "
                    f"cache) {runs[0]:.2f} s",
                )
            except Exception as e:
                row["error"] = str(e)[:300]
                self.failed(["cold-seed"], row["error"])
        self.out["serve"].append(row)

    def pages(self, srv: Served, row: dict[str, Any], keys: tuple[str, str] | None) -> None:
        """Home page first visit, then entity pages (first visit of each, then again), PSS."""
        import httpx

        pss, _ = tree_pss_mb(srv.proc.pid)
        row["pss_after_start_mb"] = round(pss, 1)
        html = {"Accept": "text/html"}
        with httpx.Client(timeout=120, follow_redirects=True, headers=html) as c:
            try:
                t0 = time.perf_counter()
                r = c.get(srv.base)
                home = time.perf_counter() - t0
                if r.status_code != 200:
                    raise RuntimeError(f"GET / answered {r.status_code}")
                t0 = time.perf_counter()
                c.get(srv.base).raise_for_status()
                row["home_first_s"] = round(home, 3)
                row["home_again_s"] = round(time.perf_counter() - t0, 3)
                if keys:
                    self.measured(keys[0], home)
            except Exception as e:
                row["home_error"] = str(e)[:300]
                if keys:
                    self.failed([keys[0]], row["home_error"])
            try:
                iris = self.entities(c, srv)
                first, again = [], []
                for rnd in range(1 + self.args.page_repeats):
                    for iri in iris:
                        t0 = time.perf_counter()
                        r = c.get(srv.base + iri[len(BASE_IRI) :])
                        ms = (time.perf_counter() - t0) * 1000
                        if r.status_code != 200:
                            raise RuntimeError(f"GET {iri} answered {r.status_code}")
                        (first if rnd == 0 else again).append(ms)
                row["entities"] = len(iris)
                row["entity_first_p50_ms"] = round(statistics.median(first), 2)
                row["entity_first_max_ms"] = round(max(first), 2)
                if again:
                    row["entity_again_p50_ms"] = round(statistics.median(again), 2)
                if keys:
                    self.measured(
                        keys[1],
                        statistics.median(first),
                        f"first visit of {len(iris)} entities, one or two per class",
                    )
            except Exception as e:
                row["entity_error"] = str(e)[:300]
                if keys:
                    self.failed([keys[1]], row["entity_error"])
        pss, _ = tree_pss_mb(srv.proc.pid)
        row["pss_after_pages_mb"] = round(pss, 1)

    def entities(self, client: Any, srv: Served) -> list[str]:
        """Up to 24 entity IRIs, the first and last of each class (by IRI)."""
        q = (
            "SELECT ?c (MIN(STR(?s)) AS ?a) (MAX(STR(?s)) AS ?b) WHERE { ?s a ?c "
            f'FILTER(STRSTARTS(STR(?s), "{BASE_IRI}id/")) }} GROUP BY ?c ORDER BY ?c'
        )
        r = client.post(srv.sparql, data={"query": q}, headers=accept(q))
        if r.status_code == 200:
            rows = r.json()["results"]["bindings"]
        else:  # too slow for the deadline: one entity per class, class by class
            q = "SELECT DISTINCT ?c WHERE { ?s a ?c } LIMIT 24"
            r = client.post(srv.sparql, data={"query": q}, headers=accept(q))
            r.raise_for_status()
            rows = []
            for c in r.json()["results"]["bindings"]:
                q = (
                    f"SELECT ?a WHERE {{ ?a a <{c['c']['value']}> "
                    f'FILTER(STRSTARTS(STR(?a), "{BASE_IRI}id/")) }} LIMIT 1'
                )
                found = client.post(srv.sparql, data={"query": q}, headers=accept(q))
                found.raise_for_status()
                rows += [{"a": x["a"], "b": x["a"]} for x in found.json()["results"]["bindings"]]
        picked: list[str] = []
        for key in ("a", "b"):
            for row in rows:
                iri = row[key]["value"]
                if iri not in picked and "#" not in iri:
                    picked.append(iri)
        if not picked:
            raise RuntimeError("no entity found to visit")
        return picked[:24]

    # a built store, A/B against oxigraph serve-read-only on the same files
    def disk_pair(self, size: str | int, store: Path | None) -> None:
        row: dict[str, Any] = {"size": size, "mode": "disk", "command": "bgraph serve --store DIR"}
        self.out["serve"].append(row)
        oxi = ours = None
        try:
            if store is None:
                raise RuntimeError("build failed")
            oxi = self.oxigraph("serve-read-only", "--location", str(store))
            ours = self.bgraph("--store", str(store))
            row["first_answer_s"] = round(ours.first_answer_s, 3)
            self.pages(ours, row, None)
            self.ab(size, "disk", {"bgraph": ours, "oxigraph": oxi}, [])
            pss, n = tree_pss_mb(ours.proc.pid)
            peak = max(pss, row["pss_after_start_mb"], row["pss_after_pages_mb"])
            row["pss_mb"], row["processes"] = round(peak, 1), n
        except Exception as e:
            row["error"] = str(e)[:300]
        finally:
            stop(ours)
            stop(oxi)

    def large_pages(self, store: Path | None) -> None:
        keys = ("home-large", "entity-large")
        row: dict[str, Any] = {
            "size": self.args.large,
            "mode": "disk",
            "command": "bgraph serve --store DIR",
        }
        self.out["serve"].append(row)
        ours = None
        try:
            if store is None:
                raise RuntimeError("build failed")
            with self.step(f"pages, serve --store DIR {label(self.args.large)}") as bar:
                task = bar.add_task("", total=None)
                ours = self.bgraph("--store", str(store))
                row["first_answer_s"] = round(ours.first_answer_s, 3)
                self.pages(ours, row, keys)
                bar.update(task, total=1, completed=1)
            row["pss_mb"] = max(row["pss_after_start_mb"], row["pss_after_pages_mb"])
        except Exception as e:
            row["error"] = str(e)[:300]
            self.failed(list(keys), row["error"])
        finally:
            stop(ours)

    def ab(self, size: Any, where: str, servers: dict[str, Served], keys: list[str]) -> None:
        """Same answers, then latency (A/B interleaved) and throughput at concurrency 8."""
        import httpx

        urls = {k: s.sparql for k, s in servers.items()}
        clients = {k: httpx.Client(timeout=120) for k in urls}
        per_query = []
        rounds = self.args.rounds
        with self.step(f"latency {label(size)} {where}") as bar:
            task = bar.add_task("", total=len(self.mix) * rounds)
            for qname, text in self.mix.items():
                row: dict[str, Any] = {"query": qname, "shape": shape_of(text)}
                per_query.append(row)
                try:
                    a = answer(clients["bgraph"], urls["bgraph"], text)
                    b = answer(clients["oxigraph"], urls["oxigraph"], text)
                    row["same_answers"] = a == b
                    times: dict[str, list[float]] = {k: [] for k in urls}
                    started = time.perf_counter()
                    for r in range(rounds):
                        late = time.perf_counter() - started > self.args.query_budget
                        if r >= 4 and r % 2 == 0 and late:
                            row["rounds"] = r  # a slow engine: fewer rounds, same A/B pairing
                            bar.advance(task, rounds - r)
                            break
                        order = list(urls) if r % 2 == 0 else list(reversed(urls))
                        for who in order:
                            t0 = time.perf_counter()
                            resp = clients[who].post(
                                urls[who], data={"query": text}, headers=accept(text)
                            )
                            elapsed = time.perf_counter() - t0
                            if resp.status_code != 200:
                                raise RuntimeError(
                                    f"{who}: HTTP {resp.status_code} {resp.text[:200]}"
                                )
                            times[who].append(elapsed * 1000)
                        bar.advance(task)
                    for who in urls:
                        row[f"{who}_p50_ms"] = round(statistics.median(times[who]), 3)
                        row[f"{who}_p95_ms"] = round(pct(times[who], 0.95), 3)
                    row["p50_ratio"] = round(row["bgraph_p50_ms"] / row["oxigraph_p50_ms"], 3)
                    row["p95_ratio"] = round(row["bgraph_p95_ms"] / row["oxigraph_p95_ms"], 3)
                except Exception as e:
                    row["error"] = str(e)[:300]
        for c in clients.values():
            c.close()
        shaped = {r["shape"]: r for r in per_query if r["shape"]}
        entry: dict[str, Any] = {
            "size": size,
            "store": where,
            "pair": PAIRS[where],
            "per_query": per_query,
        }
        ratios = [r["p50_ratio"] for r in per_query if "p50_ratio" in r]
        if ratios:
            entry["p50_ratio_geomean_all"] = round(geomean(ratios), 3)
            entry["p50_ratio_max"] = max(ratios)
        missing = [s for s in SHAPES if "p50_ratio" not in shaped.get(s, {})]
        if missing:
            entry["shapes_missing"] = missing
            self.failed(keys[:1], "no p50 for " + ", ".join(missing))
        else:
            entry["p50_ratio_geomean_shapes"] = round(
                geomean([shaped[s]["p50_ratio"] for s in SHAPES]), 3
            )
            if keys:
                self.measured(
                    keys[0],
                    entry["p50_ratio_geomean_shapes"],
                    "per query: " + ", ".join(f"{shaped[s]['p50_ratio']:.2f}" for s in SHAPES),
                )
        texts = [shaped[s] for s in SHAPES if s in shaped]
        texts = [self.mix[r["query"]] for r in texts] or list(self.mix.values())
        try:
            entry["throughput"] = t = self._throughput(size, where, texts, urls)
            if keys and t["ratio"] is not None:
                self.measured(
                    keys[1],
                    t["ratio"],
                    f"{t['bgraph_qps']:.0f} vs {t['oxigraph_qps']:.0f} queries/s, the 6 shapes",
                )
        except Exception as e:
            entry["throughput_error"] = str(e)[:300]
            self.failed(keys[1:2], entry["throughput_error"])
        self.out["queries"].append(entry)

    def _throughput(
        self, size: Any, where: str, texts: list[str], urls: dict[str, str]
    ) -> dict[str, Any]:
        import httpx

        windows = self.args.windows
        seconds = self.args.seconds
        done: dict[str, int] = {k: 0 for k in urls}
        spent: dict[str, float] = {k: 0.0 for k in urls}
        errors: dict[str, int] = {k: 0 for k in urls}
        per_window: dict[str, list[int]] = {k: [] for k in urls}
        with self.step(f"throughput {label(size)} {where} at concurrency 8") as bar:
            task = bar.add_task("", total=windows * len(urls))
            for w in range(windows):
                order = list(urls) if w % 2 == 0 else list(reversed(urls))
                for who in order:
                    count = [0]
                    errs = [0]
                    lock = threading.Lock()
                    stop_at = time.perf_counter() + seconds

                    def worker(
                        k: int,
                        who: str = who,
                        stop_at: float = stop_at,
                        lock: threading.Lock = lock,
                        count: list[int] = count,
                        errs: list[int] = errs,
                    ) -> None:
                        with httpx.Client(timeout=120) as c:
                            i = k
                            while time.perf_counter() < stop_at:
                                text = texts[i % len(texts)]
                                i += 1
                                try:
                                    r = c.post(
                                        urls[who], data={"query": text}, headers=accept(text)
                                    )
                                    good = r.status_code == 200
                                except httpx.HTTPError:
                                    good = False
                                with lock:
                                    if good:
                                        count[0] += 1
                                    else:
                                        errs[0] += 1

                    t0 = time.perf_counter()
                    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
                    for t in threads:
                        t.start()
                    for t in threads:
                        t.join()
                    spent[who] += time.perf_counter() - t0
                    done[who] += count[0]
                    per_window[who].append(count[0])
                    errors[who] += errs[0]
                    bar.advance(task)
        qps = {k: round(done[k] / spent[k], 1) for k in urls}
        return {
            "concurrency": 8,
            "seconds": round(sum(spent.values()), 1),
            "bgraph_qps": qps["bgraph"],
            "oxigraph_qps": qps["oxigraph"],
            "ratio": round(qps["bgraph"] / qps["oxigraph"], 3) if qps["oxigraph"] else None,
            "errors": errors,
            "answers_per_window": per_window,
        }

    # the whole run
    def run(self) -> None:
        self.declare_goals()
        steps = self.args.steps
        t0 = time.perf_counter()
        if "closure" in steps:
            self.guard("closure", self.closures)
        if "reason" in steps:
            self.guard("reason", self.reasons)
        stores: dict[Any, Path | None] = {}
        for size in ("ballard", self.args.mid, self.args.large):
            if "build" in steps or size != self.args.large:
                stores[size] = self.guard(f"build {label(size)}", self.build, size)
            if size != self.args.large and "serve" in steps:
                self.guard(f"serve {label(size)}", self.default_pair, size, stores[size])
                if "disk" in steps:
                    self.guard(f"disk {label(size)}", self.disk_pair, size, stores[size])
            self.write()
        if "build" in steps and "serve" in steps:
            self.guard("pages large", self.large_pages, stores.get(self.args.large))
        self.out["total_s"] = round(time.perf_counter() - t0, 1)
        self.out["load_average"]["end"] = [round(x, 2) for x in os.getloadavg()]
        self.write()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def guard(self, name: str, fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except Exception as e:  # a broken step is reported; the run goes on
            self.note(f"[red]bench: {name} failed: {e}[/red]")
            self.out.setdefault("errors", []).append(f"{name}: {str(e)[:300]}")
            return None

    def write(self) -> None:
        results = self.args.results
        results.mkdir(parents=True, exist_ok=True)
        (results / "latest.json").write_text(json.dumps(self.out, indent=2) + "\n")
        (results / "latest.md").write_text(markdown(self.out))
        try:
            chart(self.out, results / "latest.png")
        except ImportError:
            self.note("matplotlib missing (pip install -e '.[bench]'): no chart")


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("bgraph", "pyoxigraph", "oxigraph", "oxrdflib", "rdflib", "owlrl", "uvicorn"):
        with contextlib.suppress(PackageNotFoundError):
            found[name] = version(name)
    return found


#: The two A/B pairs: what runs on each side.
PAIRS = {
    "memory": {
        "bgraph": "bgraph serve [FILE] (the default: in RAM)",
        "oxigraph": "oxigraph serve (in memory), given the same quads (oxigraph dump of the "
        "store bgraph build wrote from the same inputs)",
    },
    "disk": {
        "bgraph": "bgraph serve --store DIR (RocksDB, read-only)",
        "oxigraph": "oxigraph serve-read-only --location DIR (the same files)",
    },
}


# -- report ---------------------------------------------------------------------------------------


def fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "×":
        return f"{value:.2f}×"
    if unit == "MB":
        return f"{value:,.0f} MB"
    if unit == "ms":
        return f"{value:.1f} ms"
    return f"{value:.2f} s"


def goals_table(out: dict[str, Any]) -> list[str]:
    lines = [
        "| goal | target | measured | met? |",
        "|---|---:|---:|:---:|",
    ]
    for g in out["goals"]:
        cmp = "≤" if g["cmp"] == "<=" else "≥"
        target = f"{cmp} {g['target']:g}{'' if g['unit'] == '×' else ' '}{g['unit']}"
        if g["unit"] == "×" and g["cmp"] == ">=":
            target = f"≥ {g['target']:.0%} of Oxigraph's"
        measured = fmt_value(g["measured"], g["unit"])
        if g["measured"] is not None and g["unit"] == "×" and g["cmp"] == ">=":
            measured = f"{g['measured']:.0%}"
        if g["measured"] is None:
            measured = g["note"] or "not run"
            measured = measured if len(measured) <= 160 else measured[:157] + "..."
        elif g["note"]:
            measured += f" ({g['note']})"
        met = {True: "yes", False: "**no**", None: "–"}[g["met"]]
        lines.append(f"| {g['goal']} | {target} | {measured.replace('|', '/')} | {met} |")
    return lines


def markdown(out: dict[str, Any]) -> str:
    lines = [
        f"Measured {out['when']} on {out['machine']['cpus']} CPUs with `{out['command']}`"
        + (f" ({out['total_s'] / 60:.1f} min" if "total_s" in out else " (incomplete")
        + "; load average at start "
        + ", ".join(f"{x:.1f}" for x in out.get("load_average", {}).get("start", []))
        + ").",
        "",
        "**Goals** (issue 9; measured side by side with `oxigraph serve` on the same data in the "
        "same run; speed goals are reported, never asserted):",
        "",
        *goals_table(out),
    ]
    if out["closure"]:
        lines += [
            "",
            "**Closure** (`bgraph reason [FILE] --json --no-cache`, one child process each; "
            "closure = the time the command reports; end to end = the whole command, imports "
            "and parsing included; peak = the child's maximum RSS):",
            "",
            "| input | reasoner | input triples | inferred | closure (s) | end to end (s) | peak memory (MB) |",  # noqa: E501
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for r in out["closure"]:
            if "closure_s" in r:
                lines.append(
                    f"| {label(r['size'])} | {r['reasoner']} | {r['input_triples']:,} | "
                    f"{r['inferred']:,} | {r['closure_s']:.3f} | {r['wall_s']:.2f} | "
                    f"{r['peak_mb']:,.0f} |"
                )
            else:
                why = r.get("skipped") or r.get("error")
                lines.append(f"| {label(r['size'])} | {r['reasoner']} | | | not run: {why} | | |")
    if out["reason"]:
        lines += [
            "",
            "**Reason, end to end** (`bgraph reason FILE -o out.nq`, empty closure cache: parse, "
            "close, write):",
            "",
            "| input | time (s) | peak memory (MB) | lines written |",
            "|---|---:|---:|---:|",
        ]
        for r in out["reason"]:
            if "seconds" in r:
                lines.append(
                    f"| {label(r['size'])} | {r['seconds']:.2f} | {r['peak_mb']:,.0f} | "
                    f"{r['out_lines']:,} |"
                )
            else:
                lines.append(f"| {label(r['size'])} | failed: {r.get('error')} | | |")
    if out["build"]:
        lines += [
            "",
            "**Build and start** (`bgraph build [FILE] -o DIR`: load + fast closure + on-disk "
            "Oxigraph store; then `bgraph serve --store DIR` launched to its first answer, median "
            "of several launches; nothing is parsed or reasoned):",
            "",
            "| input | quads (+ union) | build (s) | build peak (MB) | store (MB) | serve --store DIR: first answer (s) |",  # noqa: E501
            "|---|---:|---:|---:|---:|---:|",
        ]
        for b in out["build"]:
            if "build_s" not in b:
                lines.append(f"| {label(b['size'])} | failed: {b.get('error')} | | | | |")
                continue
            quads = f"{b['quads']:,} (+ {b.get('union', 0):,})" if "quads" in b else ""
            first = b.get("serve_first_answer_s")
            lines.append(
                f"| {label(b['size'])} | {quads} | {b['build_s']:.2f} | {b['peak_mb']:,.0f} | "
                f"{b.get('store_mb', 0):,.0f} | "
                + (f"{first:.2f} |" if first is not None else f"failed: {b.get('serve_error')} |")
            )
    if out["serve"]:
        lines += [
            "",
            "**Serving** (launch to first answer; PSS = server + workers, the whole process "
            "tree, the largest of after start, after the pages and after the query bench; home "
            "= first visit of `/`; entity = first visit of each of up to 24 entity pages, then "
            "again):",
            "",
            "| input | command | first answer (s) | PSS (MB) | home, first (s) | entity p50, first (ms) | entity p50, again (ms) |",  # noqa: E501
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for s in out["serve"]:
            if s["mode"] == "cold start":
                runs = ", ".join(f"{x:.2f}" for x in s.get("runs_s", []))
                first = (
                    f"{s['first_answer_s']:.2f} (runs: {runs})"
                    if runs
                    else f"failed: {s.get('error')}"
                )
                lines.append(f"| {label(s['size'])} | `{s['command']}` (cold) | {first} | | | | |")
                continue

            def cell(key: str, f: str, s: dict[str, Any] = s) -> str:
                return format(s[key], f) if key in s else ""

            first = cell("first_answer_s", ".2f")
            if "first_answer_cached_s" in s:
                first += f" ({s['first_answer_cached_s']:.2f} cached)"
            if "error" in s and not first:
                first = f"failed: {s['error']}"
            lines.append(
                f"| {label(s['size'])} | `{s['command']}` | {first} | {cell('pss_mb', ',.0f')} | "
                f"{cell('home_first_s', '.2f') or s.get('home_error', '')} | "
                f"{cell('entity_first_p50_ms', '.1f') or s.get('entity_error', '')} | "
                f"{cell('entity_again_p50_ms', '.1f')} |"
            )
    for q in out["queries"]:
        pair = q["pair"]
        geo = q.get("p50_ratio_geomean_shapes")
        summary = (
            f"p50 ratio geo-mean of the 6 shapes {geo:.2f}"
            if geo is not None
            else "shapes missing: " + ", ".join(q.get("shapes_missing", []))
        )
        if "p50_ratio_geomean_all" in q:
            summary += f", of all {q['p50_ratio_geomean_all']:.2f}, max {q['p50_ratio_max']:.2f}"
        lines += [
            "",
            f"**Queries, {label(q['size'])}, {'in RAM' if q['store'] == 'memory' else 'on disk'}"
            f"**: `{pair['bgraph']}` vs `{pair['oxigraph']}`, A/B interleaved (ms; ratio = "
            f"bgraph / Oxigraph; {summary}).",
            "",
            "| query | shape | same answers | bgraph p50 | Oxigraph p50 | p50 ratio | bgraph p95 | Oxigraph p95 | p95 ratio |",  # noqa: E501
            "|---|---|:---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in q["per_query"]:
            if "p50_ratio" not in r:
                lines.append(
                    f"| {r['query']} | {r['shape'] or ''} | | failed: "
                    f"{r.get('error', '')[:200]} | | | | | |"
                )
                continue
            lines.append(
                f"| {r['query']} | {r['shape'] or ''} | "
                f"{'yes' if r['same_answers'] else '**no**'} | {r['bgraph_p50_ms']:.2f} | "
                f"{r['oxigraph_p50_ms']:.2f} | {r['p50_ratio']:.2f} | {r['bgraph_p95_ms']:.2f} | "
                f"{r['oxigraph_p95_ms']:.2f} | {r['p95_ratio']:.2f} |"
            )
        t = q.get("throughput")
        if t:
            ratio = f"{t['ratio']:.2f}" if t["ratio"] is not None else ""
            lines.append(
                f"| **throughput, concurrency 8, the 6 shapes** | | | {t['bgraph_qps']:.0f} q/s | "
                f"{t['oxigraph_qps']:.0f} q/s | {ratio} | | | |"
            )
        else:
            lines.append(f"| throughput | | | failed: {q.get('throughput_error')} | | | | | |")
    if out.get("errors"):
        lines += ["", "**Steps that failed:**", ""] + [f"- {e}" for e in out["errors"]]
    return "\n".join(lines) + "\n"


def chart(out: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(16, 4.4))
    for reasoner, style in (("fast", "o-"), ("owlrl", "s--")):
        pts = sorted(
            (r["input_triples"], r["closure_s"], r["peak_mb"], r["wall_s"])
            for r in out["closure"]
            if r["reasoner"] == reasoner and "closure_s" in r
        )
        if pts:
            xs = [p[0] for p in pts]
            ax1.plot(xs, [max(p[1], 1e-4) for p in pts], style, label=f"{reasoner}: closure")
            ax1.plot(xs, [p[3] for p in pts], style, alpha=0.4, label=f"{reasoner}: end to end")
            ax2.plot(xs, [p[2] for p in pts], style, label=reasoner)
    ax1.set(
        xscale="log",
        yscale="log",
        xlabel="input triples (ontology + data)",
        ylabel="seconds",
        title="bgraph reason: OWL 2 RL closure",
    )
    ax2.set(
        xscale="log",
        yscale="log",
        xlabel="input triples (ontology + data)",
        ylabel="peak RSS (MB)",
        title="bgraph reason: peak memory",
    )
    _serve_panel(ax3, out)
    for ax in (ax1, ax2, ax3):
        ax.grid(True, which="both", alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8, loc="upper left" if ax is ax3 else "best")
    fig.suptitle(f"bgraph bench, {out['when'][:10]}, {out['machine']['cpus']} CPUs")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def _serve_panel(ax: Any, out: dict[str, Any]) -> None:
    """Query latency (median over the mix of each query's p50) and first answer, against size."""
    triples = {b["size"]: b.get("union") or b["quads"] for b in out["build"] if "quads" in b}
    series = {
        ("memory", "bgraph"): ("s-", "bgraph serve [FILE] (default)"),
        ("memory", "oxigraph"): ("s--", "oxigraph serve (in memory)"),
        ("disk", "bgraph"): ("o-", "bgraph serve --store DIR"),
        ("disk", "oxigraph"): ("o--", "oxigraph serve-read-only (same DIR)"),
    }
    for (where, who), (style, name) in series.items():
        pts = sorted(
            (
                triples[q["size"]],
                statistics.median(r[f"{who}_p50_ms"] for r in q["per_query"] if "p50_ratio" in r),
            )
            for q in out["queries"]
            if q["store"] == where
            and q["size"] in triples
            and any("p50_ratio" in r for r in q["per_query"])
        )
        if pts:
            ax.plot([x for x, _ in pts], [y for _, y in pts], style, label=f"{name}: query p50")
    for mode, style, name in (
        ("memory", "^:", "bgraph serve [FILE]"),
        ("disk", "v:", "bgraph serve --store DIR"),
    ):
        pts = sorted(
            (triples[s["size"]], s["first_answer_s"] * 1000)
            for s in out["serve"]
            if s["mode"] == mode and s["size"] in triples and "first_answer_s" in s
        )
        if pts:
            ax.plot(
                [x for x, _ in pts],
                [y for _, y in pts],
                style,
                color="black",
                alpha=1 if mode == "memory" else 0.5,
                label=f"{name}: launch to first answer",
            )
    ax.axhline(1000, color="grey", lw=0.8, ls=":")
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="triples served (union of the graphs)",
        ylabel="milliseconds",
        title="serving: query latency and first answer",
        ylim=(0.3, 3e5),
    )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", default="10000,100000,1000000", help="synthetic closure inputs")
    ap.add_argument("--owlrl-max", type=int, default=10_000, help="largest input owlrl is run on")
    ap.add_argument("--mid", type=int, default=100_000, help="the mid size (served from a FILE)")
    ap.add_argument("--large", type=int, default=1_000_000, help="the large size (built)")
    ap.add_argument("--cold-runs", type=int, default=5, help="launches per cold-start measure")
    ap.add_argument(
        "--steps", default="closure,reason,build,serve,disk", help="steps to run (comma-separated)"
    )
    ap.add_argument("--only-queries", action="store_true", help="--steps build,serve,disk")
    ap.add_argument("--results", type=Path, help="where latest.json/.md/.png go")
    ap.add_argument("--rounds", type=int, default=40, help="latency rounds per query and server")
    ap.add_argument("--seconds", type=float, default=3.0, help="length of one throughput window")
    ap.add_argument(
        "--query-budget", type=float, default=30, help="seconds of rounds per query, at most"
    )
    ap.add_argument("--windows", type=int, default=4, help="throughput windows (alternating A/B)")
    ap.add_argument(
        "--page-repeats", type=int, default=2, help="visits of each entity page after the first"
    )
    ap.add_argument("--timeout", type=float, default=900, help="time limit of one command")
    ap.add_argument("--start-timeout", type=float, default=300, help="time limit of a launch")
    ap.add_argument("--quick", action="store_true", help="small sizes, few rounds (smoke test)")
    args = ap.parse_args()
    if args.quick:
        args.sizes, args.mid, args.large, args.rounds, args.seconds, args.windows = (
            "2000,5000",
            5000,
            10000,
            5,
            0.5,
            2,
        )
        args.owlrl_max, args.cold_runs, args.page_repeats = 2000, 2, 1
    if args.results is None:
        args.results = RESULTS / "quick" if args.quick else RESULTS
    if args.only_queries:
        args.steps = "build,serve,disk"
    args.steps = set(str(args.steps).split(","))
    args.sizes = [int(s) for s in str(args.sizes).split(",") if s]
    bench = Bench(args)
    bench.run()
    bench.console.print(markdown(bench.out))


if __name__ == "__main__":
    main()
