"""bgraph's benchmark: one command, one process tree, one run.

    python bench/run.py                  # the full run (about 5-10 minutes on 2 cores)
    python bench/run.py --quick          # a smoke run (small sizes, few rounds)

Measures, side by side:

1. **closure**: load time, closure time and peak memory (RSS) of each reasoner on the Ballard graph
   and on synthetic universes (``bgraph synth``) of 10k, 100k and 1M triples. Each measurement runs
   in its own child process, so peak memory is that run's alone. owlrl, the slow reference, runs
   only up to ``--owlrl-max`` triples (its time grows faster than the data).
2. **build and start**: ``bgraph build`` (load + fast closure + on-disk Oxigraph store), then the
   cold start of the product server on it, ``bgraph serve --store DIR``: process launch to its
   first answer (median of ``--cold-runs`` launches), up to 1M triples.
3. **queries**: latency p50/p95 of each bench query (bench/queries/*.rq) and throughput at
   concurrency 8 of the whole mix, the product server ``bgraph serve`` (every safety layer on:
   worker processes with deadlines, vetting, row cap) against ``oxigraph serve``, on the same data,
   A/B interleaved (alternating order every round, alternating throughput windows), with ratios.
   Two pairs: on disk, ``bgraph serve --store DIR`` against ``oxigraph serve-read-only`` on the
   same RocksDB directory; in RAM, ``bgraph serve --store oxigraph FILE`` against ``oxigraph
   serve`` (in memory) loaded by ``bgraph push`` with the same quads in the same order. Both
   servers answer every query identically (checked before timing).

Writes bench/results/latest.json, latest.md (the README table) and latest.png (log-log chart).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RESULTS = HERE / "results"
QUERIES = HERE / "queries"


# -- child: one closure measurement ---------------------------------------------------------------


def child_closure(reasoner: str, source: str) -> dict[str, Any]:
    """Load + close one input in this (fresh) process; report times and peak RSS."""
    from bgraph.resources import resources

    res = resources()
    # library imports are process start-up, not closure: done before the clock starts
    import owlrl.DatatypeHandling  # noqa: F401 - the fast reasoner checks literals with it
    import pyoxigraph as ox
    from rdflib import Graph

    from bgraph.fastreason import Engine, OxigraphTerms
    from bgraph.reason import clean, owlrl_raw, tbox_terms

    t0 = time.perf_counter()
    if reasoner == "fast":
        engine = Engine(OxigraphTerms())
        tbox = [(t.subject, t.predicate, t.object) for t in ox.parse(path=str(res.ontology))]
        engine.add_all(tbox)
        path = res.data if source == "ballard" else Path(source)
        engine.add_all((t.subject, t.predicate, t.object) for t in ox.parse(path=str(path)))
        n_input = engine.n_input
        t1 = time.perf_counter()
        result = engine.run({s for s, _p, _o in tbox if isinstance(s, ox.NamedNode)})
        inferred = len(result.triples)
    else:
        tbox_g, abox = Graph(), Graph()
        tbox_g.parse(res.ontology)
        abox.parse(res.data if source == "ballard" else source)
        n_input = len(tbox_g) + len(abox)
        t1 = time.perf_counter()
        raw = owlrl_raw(tbox_g, abox)
        inferred = len(clean(raw, tbox_terms(tbox_g)) - set(tbox_g) - set(abox))
    t2 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "load_s": round(t1 - t0, 4),
        "closure_s": round(t2 - t1, 4),
        "peak_mb": round(peak, 1),
        "input_triples": n_input,
        "inferred": inferred,
    }


# -- helpers --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(found).exists():
        sys.exit("bench: the `oxigraph` server is missing: pip install -e '.[bench]'")
    return found


def wait_ready(url: str, proc: subprocess.Popen[Any], timeout: float = 30) -> float:
    import httpx

    start = time.perf_counter()
    while True:
        try:
            r = httpx.post(url, data={"query": "ASK { ?s ?p ?o }"}, timeout=2)
            if r.status_code == 200:
                return time.perf_counter() - start
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.perf_counter() - start > timeout:
            raise RuntimeError(f"{url} did not come up")
        time.sleep(0.02)


def stop(proc: subprocess.Popen[Any]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(q * (len(s) - 1))))
    return s[k]


def label(size: str | int) -> str:
    if size == "ballard":
        return "Ballard"
    n = int(size)
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k"


# -- the run --------------------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        from rich.console import Console

        self.args = args
        self.console = Console(stderr=True)
        self.out: dict[str, Any] = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": "python bench/run.py " + " ".join(sys.argv[1:]),
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
            },
            "closure": [],
            "build": [],
            "queries": [],
        }
        from importlib.metadata import version

        self.out["versions"] = {
            name: version(name) for name in ("bgraph", "rdflib", "owlrl", "pyoxigraph", "oxigraph")
        }

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

    # 1. data
    def data(self) -> dict[int, Path]:
        from bgraph.synth import write_synthetic

        DATA.mkdir(exist_ok=True)
        files = {}
        with self.step("synthetic data") as bar:
            task = bar.add_task("", total=len(self.args.sizes))
            for n in self.args.sizes:
                path = DATA / f"synth-{n}-seed0.nt"
                bar.update(task, description=label(n))
                if not path.exists():
                    write_synthetic(path, n, seed=0)
                files[n] = path
                bar.advance(task)
        return files

    # 2. closures
    def closures(self, files: dict[int, Path]) -> None:
        jobs: list[tuple[str, str | int, str]] = []
        for size, source in [("ballard", "ballard"), *((n, str(p)) for n, p in files.items())]:
            for reasoner in ("fast", "owlrl"):
                if reasoner == "owlrl" and size != "ballard" and int(size) > self.args.owlrl_max:
                    self.out["closure"].append(
                        {
                            "reasoner": reasoner,
                            "size": size,
                            "skipped": f"owlrl only up to {self.args.owlrl_max:,} triples "
                            "(--owlrl-max); it took 407 s at 100k in earlier measurements",
                        }
                    )
                    continue
                jobs.append((reasoner, size, source))
        with self.step("closure") as bar:
            task = bar.add_task("", total=len(jobs))
            for reasoner, size, source in jobs:
                bar.update(task, description=f"{reasoner} {label(size)}")
                row: dict[str, Any] = {"reasoner": reasoner, "size": size}
                cmd = [sys.executable, __file__, "_closure", reasoner, source]
                try:
                    done = subprocess.run(
                        cmd, capture_output=True, text=True, timeout=self.args.timeout
                    )
                    if done.returncode == 0:
                        row.update(json.loads(done.stdout.strip().splitlines()[-1]))
                    else:
                        row["error"] = done.stderr.strip().splitlines()[-1:]
                except subprocess.TimeoutExpired:
                    row["skipped"] = f"over the {self.args.timeout:.0f} s time limit"
                self.out["closure"].append(row)
                bar.advance(task)

    # 3. build, cold start, queries
    def queries(self) -> None:
        from bgraph.namespaces import PREFIXES
        from bgraph.store import build_store

        prefix = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
        mix = {q.stem: prefix + q.read_text(encoding="utf-8") for q in sorted(QUERIES.glob("*.rq"))}
        sizes = list(dict.fromkeys([*self.args.query_sizes, *self.args.cold_sizes]))
        for size in sizes:
            name = label(size)
            store_dir = DATA / f"store-{size}"
            inputs = [] if size == "ballard" else [DATA / f"synth-{size}-seed0.nt"]
            with self.step(f"build {name}") as bar:
                task = bar.add_task("", total=None)
                if inputs and not inputs[0].exists():
                    from bgraph.synth import write_synthetic

                    write_synthetic(inputs[0], int(size), seed=0)
                t0 = time.perf_counter()
                info = build_store(
                    store_dir,
                    inputs or None,
                    force=True,
                    progress=lambda m, task=task: bar.update(task, description=m),
                )
                build_s = time.perf_counter() - t0
            cold = self._cold_starts(store_dir, name)
            self.out["build"].append(
                {
                    "size": size,
                    "quads": info.quads,
                    "union": info.union,
                    "inferred": info.inferred,
                    "build_s": round(build_s, 3),
                    "build_timings": info.timings,
                    "store_mb": round(_du(store_dir) / 1e6, 1),
                    **cold,
                }
            )
            if size in self.args.query_sizes:
                self._pair_on_disk(size, store_dir, mix)
                self._pair_in_ram(size, inputs, mix)

    def _cold_starts(self, store_dir: Path, name: str) -> dict[str, Any]:
        """``bgraph serve --store DIR``, launched ``--cold-runs`` times: launch to listening, and
        launch to the first answer of a query."""
        import httpx

        from bgraph.server import testing

        ready, first = [], []
        with self.step(f"cold start {name}") as bar:
            task = bar.add_task("", total=self.args.cold_runs)
            for _ in range(self.args.cold_runs):
                launched = time.perf_counter()
                srv = testing.start_server("--quiet", "--store", str(store_dir), ready_timeout=120)
                try:
                    query = {"query": "ASK { ?s ?p ?o }"}
                    r = httpx.post(srv.url + "sparql", data=query, timeout=60)
                    r.raise_for_status()
                    first.append(time.perf_counter() - launched)
                    ready.append(srv.started_in)
                finally:
                    testing.stop(srv)
                bar.advance(task)
        return {
            "serve_ready_s": round(statistics.median(ready), 3),
            "serve_first_answer_s": round(statistics.median(first), 3),
            "serve_first_answer_runs_s": [round(x, 3) for x in first],
        }

    def _pair_on_disk(self, size: Any, store_dir: Path, mix: dict[str, str]) -> None:
        """bgraph serve --store DIR against oxigraph serve-read-only on the same directory."""
        from bgraph.server import testing

        port = free_port()
        oxi = subprocess.Popen(
            [oxigraph_binary(), "serve-read-only", "--location", str(store_dir), "--bind",
             f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        ours = None
        try:
            ours = testing.start_server("--quiet", "--store", str(store_dir), ready_timeout=120)
            ox_url = f"http://127.0.0.1:{port}/query"
            wait_ready(ox_url, oxi)
            urls = {"bgraph": ours.url + "sparql", "oxigraph": ox_url}
            self._compare_and_time(size, "disk", mix, urls)
        finally:
            if ours is not None:
                testing.stop(ours)
            stop(oxi)

    def _pair_in_ram(self, size: Any, inputs: list[Path], mix: dict[str, str]) -> None:
        """bgraph serve --store oxigraph FILE against oxigraph serve (in memory) given the same
        quads, in the same order, by bgraph push."""
        from bgraph.push import PushOptions, push_dataset, quads_from_store
        from bgraph.server import testing
        from bgraph.store import load_store

        port = free_port()
        oxi = subprocess.Popen(
            [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        ours = None
        try:
            launched = time.perf_counter()
            ours = testing.start_server(
                "--quiet", "--store", "oxigraph", *map(str, inputs), ready_timeout=600
            )
            start_s = time.perf_counter() - launched
            ox_url = f"http://127.0.0.1:{port}/query"
            wait_ready(ox_url, oxi)
            opened = load_store(inputs or None)  # what bgraph serve loaded, in its order
            assert opened.info is not None
            with self.step(f"push {label(size)} to oxigraph serve") as bar:
                task = bar.add_task("", total=opened.info.quads + opened.info.union)
                t0 = time.perf_counter()
                push_dataset(
                    quads_from_store(opened),
                    PushOptions(f"http://127.0.0.1:{port}/store"),
                    progress=lambda done, total, what, task=task: bar.update(
                        task, completed=done, description=what[:40]
                    ),
                )
                push_s = time.perf_counter() - t0
            del opened
            urls = {"bgraph": ours.url + "sparql", "oxigraph": ox_url}
            extra = {"bgraph_start_s": round(start_s, 3), "push_s": round(push_s, 3)}
            self._compare_and_time(size, "ram", mix, urls, extra)
        finally:
            if ours is not None:
                testing.stop(ours)
            stop(oxi)

    def _compare_and_time(
        self,
        size: Any,
        where: str,
        mix: dict[str, str],
        urls: dict[str, str],
        extra: dict[str, Any] | None = None,
    ) -> None:
        import httpx

        from bgraph.push import query_endpoint

        sys.path.insert(0, str(HERE.parent / "tests"))
        from store_helpers import canonical

        clients = {k: httpx.Client(timeout=120) for k in urls}
        equal = {}
        for qname, text in mix.items():
            a = canonical(query_endpoint(urls["bgraph"], text))
            b = canonical(query_endpoint(urls["oxigraph"], text))
            equal[qname] = a == b
        rounds = self.args.rounds
        per_query = []
        with self.step(f"latency {label(size)} {where}") as bar:
            task = bar.add_task("", total=len(mix) * rounds)
            for qname, text in mix.items():
                times: dict[str, list[float]] = {k: [] for k in urls}
                for r in range(rounds):
                    order = list(urls) if r % 2 == 0 else list(reversed(urls))
                    for who in order:
                        t0 = time.perf_counter()
                        resp = clients[who].post(
                            urls[who], data={"query": text}, headers=_accept(text)
                        )
                        elapsed = time.perf_counter() - t0
                        if resp.status_code != 200:
                            raise RuntimeError(
                                f"{who} {qname}: HTTP {resp.status_code} {resp.text[:200]}"
                            )
                        times[who].append(elapsed * 1000)
                    bar.advance(task)
                row = {"size": size, "store": where, "query": qname, "same_answers": equal[qname]}
                for who in urls:
                    row[f"{who}_p50_ms"] = round(statistics.median(times[who]), 3)
                    row[f"{who}_p95_ms"] = round(pct(times[who], 0.95), 3)
                row["p50_ratio"] = round(row["bgraph_p50_ms"] / row["oxigraph_p50_ms"], 2)
                row["p95_ratio"] = round(row["bgraph_p95_ms"] / row["oxigraph_p95_ms"], 2)
                per_query.append(row)
        throughput = self._throughput(size, where, mix, urls, httpx)
        for c in clients.values():
            c.close()
        p50 = [r["p50_ratio"] for r in per_query]
        self.out["queries"].append(
            {
                "size": size,
                "store": where,
                "pair": PAIRS[where],
                "per_query": per_query,
                "p50_ratio_median": round(statistics.median(p50), 2),
                "p50_ratio_max": max(p50),
                "throughput": throughput,
                **(extra or {}),
            }
        )

    def _throughput(
        self, size: Any, where: str, mix: dict[str, str], urls: dict[str, str], httpx: Any
    ) -> dict[str, Any]:
        texts = list(mix.values())
        windows = self.args.windows
        seconds = self.args.seconds
        done: dict[str, int] = {k: 0 for k in urls}
        spent: dict[str, float] = {k: 0.0 for k in urls}
        errors: dict[str, int] = {k: 0 for k in urls}
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
                                r = c.post(urls[who], data={"query": text}, headers=_accept(text))
                                with lock:
                                    if r.status_code == 200:
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
                    errors[who] += errs[0]
                    bar.advance(task)
        qps = {k: round(done[k] / spent[k], 1) for k in urls}
        return {
            "concurrency": 8,
            "seconds": round(sum(spent.values()), 1),
            "bgraph_qps": qps["bgraph"],
            "oxigraph_qps": qps["oxigraph"],
            "ratio": round(qps["bgraph"] / qps["oxigraph"], 2) if qps["oxigraph"] else None,
            "errors": errors,
        }

    # 4. report
    def write(self) -> None:
        results = self.args.results
        results.mkdir(exist_ok=True)
        (results / "latest.json").write_text(json.dumps(self.out, indent=2) + "\n")
        (results / "latest.md").write_text(markdown(self.out))
        try:
            chart(self.out, results / "latest.png")
        except ImportError:
            self.console.print("matplotlib missing (pip install -e '.[bench]'): no chart")


#: The two A/B pairs: what runs on each side.
PAIRS = {
    "disk": {
        "bgraph": "bgraph serve --store DIR (RocksDB, read-only)",
        "oxigraph": "oxigraph serve-read-only --location DIR (the same files)",
    },
    "ram": {
        "bgraph": "bgraph serve --store oxigraph FILE (in memory)",
        "oxigraph": "oxigraph serve (in memory), loaded by bgraph push with the same quads",
    },
}


def _du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _accept(text: str) -> dict[str, str]:
    graph = "CONSTRUCT" in text.upper().split("WHERE")[0]
    return {"Accept": "application/n-triples" if graph else "application/sparql-results+json"}


def markdown(out: dict[str, Any]) -> str:
    lines = [
        f"Measured {out['when']} on {out['machine']['cpus']} CPUs with `{out['command']}`.",
        "",
        "**Closure** (each run in a fresh child process, library imports excluded; load = parse "
        "into the reasoner's input; closure = reasoning and cleaning; peak = the child's maximum "
        "RSS):",
        "",
        "| input | reasoner | input triples | inferred | load (s) | closure (s) | peak memory (MB) |",  # noqa: E501
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in out["closure"]:
        if "closure_s" in r:
            lines.append(
                f"| {label(r['size'])} | {r['reasoner']} | {r['input_triples']:,} | "
                f"{r['inferred']:,} | {r['load_s']:.3f} | {r['closure_s']:.3f} | {r['peak_mb']:,.0f} |"  # noqa: E501
            )
        else:
            why = r.get("skipped") or r.get("error")
            lines.append(f"| {label(r['size'])} | {r['reasoner']} | | | | not run: {why} | |")
    if out["build"]:
        lines += [
            "",
            "**Build and start** (`bgraph build`: load + fast closure + on-disk Oxigraph store; "
            "start: `bgraph serve --store DIR` launched, to listening and to its first answer, "
            "median of several launches; nothing is parsed or reasoned):",
            "",
            "| input | quads (+ union) | build (s) | store (MB) | serve: listening (s) | serve: first answer (s) |",  # noqa: E501
            "|---|---:|---:|---:|---:|---:|",
        ]
        for b in out["build"]:
            lines.append(
                f"| {label(b['size'])} | {b['quads']:,} (+ {b.get('union', 0):,}) | "
                f"{b['build_s']:.2f} | {b.get('store_mb', 0):,.0f} | {b['serve_ready_s']:.2f} | "
                f"{b['serve_first_answer_s']:.2f} |"
            )
    for q in out["queries"]:
        t = q["throughput"]
        pair = q["pair"]
        start = ""
        if "bgraph_start_s" in q:
            start = (
                f" bgraph started in {q['bgraph_start_s']:.1f} s (parse + closure + load); "
                f"the push to Oxigraph took {q['push_s']:.1f} s."
            )
        lines += [
            "",
            f"**Queries, {label(q['size'])}, {'on disk' if q['store'] == 'disk' else 'in RAM'}**: "
            f"`{pair['bgraph']}` vs `{pair['oxigraph']}`, A/B interleaved (ms; ratio = bgraph / "
            f"Oxigraph; p50 ratio median {q['p50_ratio_median']:.2f}, "
            f"max {q['p50_ratio_max']:.2f})." + start,
            "",
            "| query | same answers | bgraph p50 | Oxigraph p50 | p50 ratio | bgraph p95 | Oxigraph p95 | p95 ratio |",  # noqa: E501
            "|---|:---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in q["per_query"]:
            lines.append(
                f"| {r['query']} | {'yes' if r['same_answers'] else '**no**'} | {r['bgraph_p50_ms']:.2f} | "  # noqa: E501
                f"{r['oxigraph_p50_ms']:.2f} | {r['p50_ratio']:.2f} | {r['bgraph_p95_ms']:.2f} | "
                f"{r['oxigraph_p95_ms']:.2f} | {r['p95_ratio']:.2f} |"
            )
        lines.append(
            f"| **throughput, concurrency 8** | | {t['bgraph_qps']:.0f} q/s | {t['oxigraph_qps']:.0f} q/s | "  # noqa: E501
            f"{t['ratio']:.2f} | | | |"
        )
    return "\n".join(lines) + "\n"


def chart(out: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(16, 4.4))
    for reasoner, style in (("fast", "o-"), ("owlrl", "s--")):
        pts = sorted(
            (r["input_triples"], r["closure_s"], r["peak_mb"])
            for r in out["closure"]
            if r["reasoner"] == reasoner and "closure_s" in r
        )
        if pts:
            ax1.plot([p[0] for p in pts], [max(p[1], 1e-4) for p in pts], style, label=reasoner)
            ax2.plot([p[0] for p in pts], [p[2] for p in pts], style, label=reasoner)
    ax1.set(
        xscale="log",
        yscale="log",
        xlabel="input triples (ontology + data)",
        ylabel="closure time (s)",
        title="OWL 2 RL closure time",
    )
    ax2.set(
        xscale="log",
        yscale="log",
        xlabel="input triples (ontology + data)",
        ylabel="peak RSS (MB)",
        title="peak memory (load + closure)",
    )
    _serve_panel(ax3, out)
    for ax in (ax1, ax2, ax3):
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8, loc="upper left" if ax is ax3 else "best")
    ax1.axhline(60, color="grey", lw=0.8, ls=":")
    ax1.axhline(10, color="grey", lw=0.8, ls=":")
    fig.suptitle(f"bgraph bench, {out['when'][:10]}, {out['machine']['cpus']} CPUs")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def _serve_panel(ax: Any, out: dict[str, Any]) -> None:
    """Query latency (median over the mix of each query's p50) and cold start, against size."""
    triples = {b["size"]: b.get("union") or b["quads"] for b in out["build"]}
    series = {
        ("disk", "bgraph"): ("o-", "bgraph serve --store DIR"),
        ("disk", "oxigraph"): ("o--", "oxigraph serve-read-only (same DIR)"),
        ("ram", "bgraph"): ("s-", "bgraph serve --store oxigraph"),
        ("ram", "oxigraph"): ("s--", "oxigraph serve (in memory)"),
    }
    for (where, who), (style, name) in series.items():
        pts = sorted(
            (triples[q["size"]], statistics.median(r[f"{who}_p50_ms"] for r in q["per_query"]))
            for q in out["queries"]
            if q["store"] == where and q["size"] in triples
        )
        if pts:
            ax.plot([x for x, _ in pts], [y for _, y in pts], style, label=f"{name}: query p50")
    cold = sorted((triples[b["size"]], b["serve_first_answer_s"] * 1000) for b in out["build"])
    if cold:
        ax.plot([x for x, _ in cold], [y for _, y in cold], "^:", color="black",
                label="bgraph serve --store DIR: launch to first answer")  # fmt: skip
    ax.axhline(1000, color="grey", lw=0.8, ls=":")
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="triples served (union of the graphs)",
        ylabel="milliseconds",
        title="serving: query latency and cold start",
        ylim=(0.3, 3e5),  # room for the legend above the lines
    )


def main() -> None:
    if len(sys.argv) >= 2 and sys.argv[1] == "_closure":
        print(json.dumps(child_closure(sys.argv[2], sys.argv[3])))
        return
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--sizes", default="10000,100000,1000000", help="synthetic sizes for the closure"
    )
    ap.add_argument("--owlrl-max", type=int, default=10_000, help="largest input owlrl is run on")
    ap.add_argument("--query-sizes", default="ballard,100000", help="inputs for the query bench")
    ap.add_argument(
        "--cold-sizes", default="1000000", help="more inputs built for the cold start only"
    )
    ap.add_argument("--cold-runs", type=int, default=5, help="launches per cold-start measure")
    ap.add_argument("--only-queries", action="store_true", help="skip the closure measures")
    ap.add_argument("--results", type=Path, default=RESULTS, help="where latest.json/.md/.png go")
    ap.add_argument("--rounds", type=int, default=40, help="latency rounds per query and server")
    ap.add_argument("--seconds", type=float, default=3.0, help="length of one throughput window")
    ap.add_argument("--windows", type=int, default=4, help="throughput windows (alternating A/B)")
    ap.add_argument("--timeout", type=float, default=900, help="time limit of one closure run")
    ap.add_argument("--quick", action="store_true", help="small sizes, few rounds (smoke test)")
    args = ap.parse_args()
    if args.quick:
        args.sizes, args.query_sizes, args.rounds, args.seconds, args.windows = (
            "2000,5000",
            "ballard",
            5,
            0.5,
            2,
        )
        args.owlrl_max, args.cold_sizes, args.cold_runs = 2000, "", 2
    args.sizes = [int(s) for s in str(args.sizes).split(",") if s]
    args.query_sizes = [
        s if s == "ballard" else int(s) for s in str(args.query_sizes).split(",") if s
    ]
    args.cold_sizes = [
        s if s == "ballard" else int(s) for s in str(args.cold_sizes).split(",") if s
    ]
    bench = Bench(args)
    if not args.only_queries:
        files = bench.data()
        bench.closures(files)
    bench.queries()
    bench.write()
    bench.console.print(markdown(bench.out))


if __name__ == "__main__":
    main()
