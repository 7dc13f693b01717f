"""Why ``bgraph serve FILE`` uses more memory after queries than at start: the workers' memory.

    python bench/worker_memory.py                       # 100k synthetic triples, about 1-2 min
    python bench/worker_memory.py --input other.nt --clients 8 --rounds 5

``bgraph serve`` answers queries in worker processes forked from a *zygote*, itself forked from
the server once the data is loaded (:mod:`bgraph.server.workers`). With ``bgraph serve FILE``
the data is an in-RAM Oxigraph store, so right after start every worker shares the store's
pages with the zygote and the server (copy-on-write): each page is in RAM once and the tree's
PSS (proportional set size: each shared page divided between the processes that map it) is
about one copy of the store. With a process per worker (``--worker-processes 4``: the default
below 20,000 triples), the tree's PSS is much larger after a query mix; since this was
measured, a bigger store runs its workers as threads of one process (the default measured
third here).

**The hypothesis.** Oxigraph's in-memory store is MVCC: reading a quad locks a per-quad mutex
(its version range) and takes reference counts, so a *read* writes to the pages that hold the
quads. The first write to a page inherited across ``fork`` gives the writing process its own
copy, so each worker ends up with a private copy of every page of the store it has read: the
workers' ``Private_Dirty`` grows while their ``Shared_Dirty`` (pages still shared with the
zygote) shrinks by about as much. ``bgraph serve --store DIR`` reads a RocksDB store (written by
``bgraph build``) that each worker opens after the fork: its data is read through the OS page
cache, which is shared and counted in no process's PSS, and the workers only grow by their own
buffers and caches.

**What this measures.** For each mode (the same input: ``bgraph serve INPUT --worker-processes
4``, ``bgraph serve --store DIR --worker-processes 4`` on a store built from it into a
temporary directory, and the default ``bgraph serve INPUT``), the server is started
on a free port of 127.0.0.1 and, once ``GET /health`` answers 200 and its process tree is
stable, ``Rss``, ``Pss``, ``Private_Dirty`` and ``Shared_Dirty`` (``/proc/PID/smaps_rollup``)
of every process of the tree (server, zygote, workers: found from the ``/proc/*/stat`` parent
links) are recorded; then every ``bench/queries/*.rq`` runs ``--rounds`` times from each of
``--clients`` concurrent clients, and the same values are recorded again. Store mode is the
control: the Python side of the workers (imports, caches, reference counts on Python objects)
is the same in both modes, so what the in-RAM workers gain *beyond* the store-mode workers is
what reading the in-RAM store costs. The report says whether the numbers support the
hypothesis; they can show that inherited pages were copied, not which code wrote to them.

Writes bench/results/worker_memory.md and bench/results/worker_memory.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

# bench/run.py's query-form logic (this script's directory is first on sys.path)
from run import (
    Served,
    accept,
    bgraph_cmd,
    free_port,
    launch,
    process_tree,
    query_form,
    stop,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
QUERIES = HERE / "queries"
DEFAULT_INPUT = HERE / "data" / "synth-100000-seed0.nt"
FIELDS = ("Rss", "Pss", "Private_Dirty", "Shared_Dirty")  #: from /proc/PID/smaps_rollup
KEYS = {
    "Rss": "rss",
    "Pss": "pss",
    "Private_Dirty": "private_dirty",
    "Shared_Dirty": "shared_dirty",
}


# -- processes ------------------------------------------------------------------------------------


@dataclass
class ProcMemory:
    """One process of a server's tree and its memory (MB)."""

    pid: int
    ppid: int
    role: str  #: server, zygote or worker (guessed from the tree's shape)
    rss: float
    pss: float
    private_dirty: float
    shared_dirty: float


@dataclass
class Snapshot:
    processes: list[ProcMemory]
    when_s: float  #: seconds since the server was launched

    @property
    def pss_total(self) -> float:
        return sum(p.pss for p in self.processes)

    def of(self, role: str) -> list[ProcMemory]:
        return [p for p in self.processes if p.role == role]

    def by_pid(self) -> dict[int, ProcMemory]:
        return {p.pid: p for p in self.processes}


def tree(root: int) -> dict[int, int]:
    """ROOT and its descendants (bench/run.py's ``process_tree``): pid -> ppid."""
    found = {}
    for pid in process_tree(root):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        # the command name (field 2) may hold spaces and parentheses: split after its last ")"
        found[pid] = int(stat.rsplit(")", 1)[1].split()[1])
    return found


def roles(root: int, members: dict[int, int]) -> dict[int, str]:
    """The root is the server; its direct child that has children is the zygote; others: workers."""
    has_children = {ppid for ppid in members.values()}
    found = {}
    for pid, ppid in members.items():
        if pid == root:
            found[pid] = "server"
        elif ppid == root and pid in has_children:
            found[pid] = "zygote"
        else:
            found[pid] = "worker"
    return found


def smaps_rollup(pid: int) -> dict[str, float] | None:
    """FIELDS of /proc/PID/smaps_rollup in MB, or None if the process is gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    values = {}
    for name in FIELDS:
        found = re.search(rf"^{name}:\s+(\d+) kB", text, re.MULTILINE)
        values[name] = int(found.group(1)) / 1024 if found else 0.0
    return values


def snapshot(root: int, launched: float) -> Snapshot:
    members = tree(root)
    role_of = roles(root, members)
    processes = []
    for pid, ppid in members.items():
        values = smaps_rollup(pid)
        if values is None:
            continue
        memory = {KEYS[name]: round(value, 1) for name, value in values.items()}
        processes.append(ProcMemory(pid, ppid, role_of[pid], **memory))
    order = {"server": 0, "zygote": 1, "worker": 2}
    processes.sort(key=lambda p: (order[p.role], p.pid))
    return Snapshot(processes, round(time.perf_counter() - launched, 2))


def wait_stable_tree(root: int, quiet_s: float = 1.5, limit_s: float = 20.0) -> None:
    """Wait until ROOT's process tree has kept the same members for QUIET_S seconds."""
    deadline = time.perf_counter() + limit_s
    last, since = set(tree(root)), time.perf_counter()
    while time.perf_counter() < deadline:
        time.sleep(0.1)
        now = set(tree(root))
        if now != last:
            last, since = now, time.perf_counter()
        elif time.perf_counter() - since >= quiet_s:
            return


# -- servers --------------------------------------------------------------------------------------


def start_server(args: list[str], env: dict[str, str], timeout: float) -> tuple[Served, float]:
    """``bgraph serve ARGS`` launched by bench/run.py's ``launch`` (its own session, ready at
    its first answer); the server and when it was launched."""
    port = free_port()
    cmd = [*bgraph_cmd(), "serve", *args, "--host", "127.0.0.1", "--port", str(port), "--quiet"]
    base = f"http://127.0.0.1:{port}/"
    launched = time.perf_counter()
    return launch(cmd, base, base + "sparql", env, timeout), launched


# -- the query mix --------------------------------------------------------------------------------


@dataclass
class MixResult:
    requests: int = 0
    ok: int = 0
    wall_s: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)  #: status (or error) -> count
    failures: list[str] = field(default_factory=list)  #: a few of them: query file and status


def load_queries() -> list[tuple[str, str]]:
    return [(path.name, path.read_text("utf-8")) for path in sorted(QUERIES.glob("*.rq"))]


def run_mix(base: str, queries: list[tuple[str, str]], clients: int, rounds: int) -> MixResult:
    """CLIENTS threads, each with its own connection, each running every query ROUNDS times."""
    statuses: Counter[str] = Counter()
    failures: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def client_main(index: int) -> None:
        # each client starts at a different query, so the workers see a mix at every moment
        order = queries[index % len(queries) :] + queries[: index % len(queries)]
        with httpx.Client(timeout=120) as client:
            barrier.wait()
            for _ in range(rounds):
                for name, text in order:
                    try:
                        r = client.post(
                            f"{base}/sparql", data={"query": text}, headers=accept(text)
                        )
                        outcome = str(r.status_code)
                    except httpx.HTTPError as exc:
                        outcome = type(exc).__name__
                    with lock:
                        statuses[outcome] += 1
                        if outcome != "200" and len(failures) < 10:
                            failures.append(f"{name}: {outcome}")

    threads = [threading.Thread(target=client_main, args=(i,)) for i in range(clients)]
    t0 = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - t0
    total = sum(statuses.values())
    return MixResult(total, statuses["200"], round(wall, 2), dict(statuses), failures)


# -- one mode -------------------------------------------------------------------------------------


@dataclass
class ModeResult:
    name: str
    command: str
    health_s: float
    start: Snapshot
    after: Snapshot
    mix: MixResult
    summary: str = ""
    workers: dict[str, Any] = field(default_factory=dict)


def measure(
    name: str,
    serve_args: list[str],
    shown: str,
    env: dict[str, str],
    queries: list[tuple[str, str]],
    args: argparse.Namespace,
) -> ModeResult:
    print(f"[{name}] bgraph serve {shlex.join(serve_args)}", file=sys.stderr, flush=True)
    server = None
    try:
        server, launched = start_server(serve_args, env, args.start_timeout)
        wait_stable_tree(server.proc.pid)
        start = snapshot(server.proc.pid, launched)
        print(
            f"[{name}] first answer after {server.first_answer_s:.2f} s; "
            f"{len(start.processes)} processes, "
            f"PSS {start.pss_total:.0f} MB; running the query mix",
            file=sys.stderr,
            flush=True,
        )
        mix = run_mix(server.base.rstrip("/"), queries, args.clients, args.rounds)
        time.sleep(0.5)  # let the last replies leave the workers
        after = snapshot(server.proc.pid, launched)
        if server.proc.poll() is not None:
            raise RuntimeError(f"bgraph serve ended during the mix:\n{server.log_tail()}")
        print(
            f"[{name}] {mix.ok}/{mix.requests} answers 200 in {mix.wall_s} s; "
            f"PSS {after.pss_total:.0f} MB",
            file=sys.stderr,
            flush=True,
        )
    finally:
        stop(server)
    result = ModeResult(
        name, f"bgraph serve {shown}", round(server.first_answer_s, 2), start, after, mix
    )
    result.workers = worker_stats(start, after)
    result.summary = summarise(result.workers)
    return result


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 1) if values else float("nan")


def worker_stats(start: Snapshot, after: Snapshot) -> dict[str, Any]:
    """Median (and range) of the workers present in both snapshots, start and after.

    The median, not the mean: one worker may already have run a job at start (the server
    computes its home page's summary in a worker as it starts: ``bgraph.server.run.warm_home``).
    """
    before = start.by_pid()
    kept = [(before[p.pid], p) for p in after.of("worker") if p.pid in before]
    stats: dict[str, Any] = {
        "count_start": len(start.of("worker")),
        "count_after": len(after.of("worker")),
        "kept": len(kept),  #: the same pids at start and after (none replaced)
    }
    for key in KEYS.values():
        a = [getattr(x, key) for x, _ in kept]
        b = [getattr(y, key) for _, y in kept]
        stats[key] = {
            "start": _median(a),
            "after": _median(b),
            "start_min": min(a, default=float("nan")),
            "start_max": max(a, default=float("nan")),
            "after_min": min(b, default=float("nan")),
            "after_max": max(b, default=float("nan")),
        }
    # workers already well above the others at start: they have answered a job before the mix
    median_pd = stats["private_dirty"]["start"]
    stats["busy_at_start"] = [
        {"pid": p.pid, "private_dirty": p.private_dirty}
        for p in start.of("worker")
        if p.private_dirty > median_pd + 5
    ]
    return stats


def summarise(workers: dict[str, Any]) -> str:
    """One line: the workers' private dirty memory and RSS, and what the numbers suggest."""
    pd, sd, rss = workers["private_dirty"], workers["shared_dirty"], workers["rss"]
    if not workers["kept"]:
        return "no worker was alive both at start and after the mix: nothing to compare"
    grew = pd["after"] - pd["start"]
    unshared = sd["start"] - sd["after"]
    line = (
        f"workers' private dirty memory: {pd['start']:.0f} MB -> {pd['after']:.0f} MB each "
        f"(median of {workers['kept']}; RSS {rss['start']:.0f} -> {rss['after']:.0f} MB, "
        f"shared dirty {sd['start']:.0f} -> {sd['after']:.0f} MB)"
    )
    if grew >= 10 and unshared >= 0.5 * grew:
        why = "pages shared with the zygote were copied into each worker as it ran queries"
    elif grew >= 10:
        why = "the workers allocated new memory while answering, mostly not copies of shared pages"
    else:
        why = "little memory was copied or allocated by the workers"
    return f"{line}: {why}"


# -- the verdict and the report -------------------------------------------------------------------


def verdict(memory: ModeResult, store: ModeResult) -> tuple[str, str]:
    """(supported | not supported | inconclusive, why), from the numbers only."""
    mw, sw = memory.workers, store.workers
    if not mw["kept"] or not sw["kept"]:
        return "inconclusive", "workers were replaced during the mix; no before/after pairs"
    m_grew = mw["private_dirty"]["after"] - mw["private_dirty"]["start"]
    s_grew = sw["private_dirty"]["after"] - sw["private_dirty"]["start"]
    m_unshared = mw["shared_dirty"]["start"] - mw["shared_dirty"]["after"]
    m_tree = memory.after.pss_total - memory.start.pss_total
    s_tree = store.after.pss_total - store.start.pss_total
    # the in-RAM store's size, roughly: what the in-RAM server holds beyond the store-mode server
    data_mb = memory.start.of("server")[0].rss - store.start.of("server")[0].rss
    facts = (
        f"each in-RAM worker's private dirty memory grew by {m_grew:.0f} MB and its shared "
        f"dirty memory fell by {m_unshared:.0f} MB (store mode: private dirty +{s_grew:.0f} MB); "
        f"tree PSS grew by {m_tree:.0f} MB in RAM mode, {s_tree:.0f} MB in store mode; the "
        f"in-RAM server holds about {data_mb:.0f} MB more than the store-mode server (the "
        f"loaded store, roughly)"
    )
    busy_m, busy_s = mw.get("busy_at_start", []), sw.get("busy_at_start", [])
    if busy_m:
        facts += (
            "; and before the mix, the one job the server runs at start (the home page's "
            f"summary) had already taken one in-RAM worker to {busy_m[0]['private_dirty']:.0f} "
            "MB of private dirty memory"
        )
        if busy_s:
            facts += f" (store mode: {busy_s[0]['private_dirty']:.0f} MB)"
    extra = m_grew - s_grew
    if extra >= max(20.0, 2 * s_grew) and m_unshared >= 0.5 * m_grew and m_tree > 2 * s_tree:
        why = (
            f"{facts}. The in-RAM workers' extra growth ({extra:.0f} MB each beyond the "
            "store-mode control) is pages they inherited from the zygote turning private, which "
            "is what reads that write to the store's pages would do; the store-mode workers, "
            "which open RocksDB after the fork and so inherit no store pages, grow far less "
            "(what they read sits in the OS page cache, which no PSS counts: not measured "
            "here). This shows copy-on-write "
            "of inherited pages during read-only queries, not which Oxigraph code (per-quad "
            "mutex or reference counts) wrote them."
        )
        return "supported", why
    if extra < max(10.0, s_grew):
        return "not supported", f"{facts}. The in-RAM workers grow no more than the control."
    return "inconclusive", f"{facts}. The pattern is mixed; see the tables."


def cell(value: float) -> str:
    return "–" if value != value else f"{value:.1f}"  # NaN: the process was not there


def busy_note(mode: ModeResult) -> list[str]:
    busy = mode.workers.get("busy_at_start", [])
    if not busy:
        return []
    which = ", ".join(f"pid {b['pid']}: {b['private_dirty']:.0f} MB" for b in busy)
    return [
        f"Already grown at start (private dirty: {which}): the server computes its home "
        "page's summary in one worker as it starts (`bgraph.server.run.warm_home`), so that "
        "worker has answered one job before the mix. The summaries use the workers' median.",
        "",
    ]


def mode_markdown(mode: ModeResult) -> list[str]:
    start, after = mode.start.by_pid(), mode.after.by_pid()
    pids = list(start) + [pid for pid in after if pid not in start]
    role = {p.pid: p.role for p in [*mode.after.processes, *mode.start.processes]}
    nan = float("nan")
    lines = [
        f"### `{mode.command}`",
        "",
        f"First answer after {mode.health_s} s. Query mix: {mode.mix.ok}/{mode.mix.requests} "
        f"answers 200 in {mode.mix.wall_s} s"
        + (f" (other outcomes: {mode.mix.statuses})" if mode.mix.ok != mode.mix.requests else "")
        + ".",
        "",
        *busy_note(mode),
        "| role | pid | RSS start | RSS after | PSS start | PSS after | Private_Dirty start "
        "| Private_Dirty after | Shared_Dirty start | Shared_Dirty after |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for pid in pids:
        a, b = start.get(pid), after.get(pid)
        row = [role[pid], str(pid)]
        for key in KEYS.values():
            row += [
                cell(getattr(a, key) if a else nan),
                cell(getattr(b, key) if b else nan),
            ]
        lines.append("| " + " | ".join(row) + " |")
    lines += [
        "",
        f"Tree PSS (MB): **{mode.start.pss_total:.0f} at start -> {mode.after.pss_total:.0f} "
        f"after** ({len(mode.start.processes)} -> {len(mode.after.processes)} processes).",
        "",
        f"Summary: {mode.summary}.",
        "",
    ]
    return lines


def markdown(out: dict[str, Any], modes: list[ModeResult]) -> str:
    lines = [
        "# Worker memory: `bgraph serve FILE` (in RAM: a process per worker, or the default) vs "
        "`bgraph serve --store DIR` (RocksDB)",
        "",
        f"- date: {out['when']}",
        f"- CPUs: {out['machine']['cpus']} ({out['machine']['platform']})",
        f"- pyoxigraph {out['versions'].get('pyoxigraph', '?')}, bgraph "
        f"{out['versions'].get('bgraph', '?')}, Python {out['machine']['python']}",
        f"- command: `{out['command']}`",
        f"- input: `{out['input']}` ({out['input_mb']} MB); store built with "
        f"`bgraph build INPUT -o DIR` in {out['build_s']} s ({out['store_mb']} MB on disk)",
        f"- query mix: {len(out['queries'])} queries (bench/queries/*.rq) x {out['rounds']} "
        f"rounds x {out['clients']} concurrent clients, POST /sparql",
        "- memory: /proc/PID/smaps_rollup of the server's process tree, MB; workers are "
        "compared by pid (a replaced worker has no start value)",
        "",
        "Hypothesis: Oxigraph's in-memory store is MVCC; reading a quad locks a per-quad mutex "
        "and takes reference counts, so reads write to the pages holding the quads and each "
        "forked worker gets its own copy of every page it reads. A RocksDB store is read "
        "through the OS page cache, shared and in no process's PSS. (The hypothesis is "
        "tested on a process per worker against the built store; the default, the workers as "
        "threads of one process, is measured beside them.)",
        "",
        "## Summary",
        "",
    ]
    for mode in modes:
        lines.append(
            f"- **{mode.name}** (`{mode.command}`): tree PSS {mode.start.pss_total:.0f} "
            f"-> {mode.after.pss_total:.0f} MB; {mode.summary}."
        )
    lines += [
        "",
        f"**Hypothesis {out['verdict']}**: {out['verdict_why']}",
        "",
        "## Per process",
        "",
    ]
    for mode in modes:
        lines += mode_markdown(mode)
    return "\n".join(lines).rstrip() + "\n"


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("bgraph", "pyoxigraph"):
        with contextlib.suppress(PackageNotFoundError):
            found[name] = version(name)
    return found


def _du_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1)


# -- main -----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", type=Path, default=DEFAULT_INPUT, help="RDF file to serve")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--rounds", type=int, default=5, help="times each client runs each query")
    parser.add_argument("--start-timeout", type=float, default=180, help="seconds to /health 200")
    parser.add_argument("--out", type=Path, default=RESULTS, help="directory of the results")
    args = parser.parse_args()
    source = args.input.resolve()
    if not source.is_file():
        sys.exit(f"worker_memory: no such file: {source}")
    queries = load_queries()
    if not queries:
        sys.exit(f"worker_memory: no queries in {QUERIES}")

    tmp = Path(tempfile.mkdtemp(prefix="bgraph-worker-memory-"))
    env = {k: v for k, v in os.environ.items() if k != "BGRAPH_SERVE_STORE"}
    env.update(PYTHONUNBUFFERED="1", BGRAPH_CACHE_DIR=str(tmp / "cache"))  # no closure cache
    out: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": shlex.join(["python", "bench/worker_memory.py", *sys.argv[1:]]),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "versions": versions(),
        "input": str(source.relative_to(ROOT) if source.is_relative_to(ROOT) else source),
        "input_mb": round(source.stat().st_size / 2**20, 1),
        "clients": args.clients,
        "rounds": args.rounds,
        "queries": [name for name, _ in queries],
        "query_forms": {name: query_form(text) for name, text in queries},
    }
    try:
        store = tmp / "store"
        print(f"[build] bgraph build {source.name} -o {store}", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        built = subprocess.run(
            [*bgraph_cmd(), "build", str(source), "-o", str(store), "--quiet"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if built.returncode:
            sys.exit(f"worker_memory: bgraph build failed ({built.returncode}):\n{built.stderr}")
        out["build_s"] = round(time.perf_counter() - t0, 1)
        out["store_mb"] = _du_mb(store)
        per_process = ["--worker-processes", "4"]
        modes = [
            measure(
                "in RAM, a process per worker",
                [str(source), *per_process],
                f"{out['input']} --worker-processes 4",
                env,
                queries,
                args,
            ),
            measure(
                "built store, a process per worker",
                ["--store", str(store), *per_process],
                "--store DIR --worker-processes 4",
                env,
                queries,
                args,
            ),
            measure("in RAM, the default", [str(source)], out["input"], env, queries, args),
        ]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    out["verdict"], out["verdict_why"] = verdict(modes[0], modes[1])
    out["modes"] = [
        {
            "name": m.name,
            "command": m.command,
            "health_s": m.health_s,
            "summary": m.summary,
            "workers": m.workers,
            "mix": asdict(m.mix),
            **{
                f"{when}": {
                    "seconds_after_launch": snap.when_s,
                    "pss_total_mb": round(snap.pss_total, 1),
                    "processes": [asdict(p) for p in snap.processes],
                }
                for when, snap in (("start", m.start), ("after", m.after))
            },
        }
        for m in modes
    ]
    report = markdown(out, modes)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "worker_memory.json").write_text(json.dumps(out, indent=2) + "\n", "utf-8")
    (args.out / "worker_memory.md").write_text(report, "utf-8")
    print(report)


if __name__ == "__main__":
    main()
