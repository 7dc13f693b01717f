"""What explaining inferences costs (issue 14): the closure with and without derivations, the
explanations graph, and a store built with and without ``--explain``.

Each measurement runs in a fresh process (peak RSS is per process): the input is a synthetic
universe (``bgraph synth -n N --seed 1``) closed with bgraph's ontology, as ``bgraph build``
closes it (N-Triples term strings, :func:`bgraph.fastreason.fast_closure_nt`).

* ``closure``: the default path (no recording);
* ``explain``: the same closure recording one derivation per inferred triple;
* ``graph``: ``explain`` plus writing the explanations graph's N-Triples (counted, not kept);
* ``build`` / ``build --explain``: ``bgraph build`` to a store on disk (sizes 100k only by default).

Usage: python bench/explain.py [--sizes 100000 1000000] [--build-sizes 100000] [--repeat 3]
Results: bench/results/explain.json (and a table on stdout).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "explain.json"


def child(mode: str, tbox_path: str, abox_path: str) -> dict:
    """One measurement, in this process."""
    from bgraph.fastreason import fast_closure_nt

    tbox = Path(tbox_path).read_bytes()
    abox = Path(abox_path).read_bytes()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    result = fast_closure_nt(tbox, [abox], explain=mode != "closure")
    seconds = time.perf_counter() - t0
    out = {
        "mode": mode,
        "seconds": round(seconds, 3),
        "timings": {k: round(v, 3) for k, v in result.timings.items()},
        "inferred": len(result.lines),
    }
    d = result.derivations
    if d is not None:
        out["derivations"] = len(d)
        out["column_bytes"] = d.nbytes()
    if mode == "graph":
        from bgraph.explain import explanation_chunks

        t1 = time.perf_counter()
        triples = size = 0
        for chunk in explanation_chunks(d):
            triples += chunk.count("\n")
            size += len(chunk.encode("utf-8"))
        out["graph_seconds"] = round(time.perf_counter() - t1, 3)
        out["graph_triples"] = triples
        out["graph_bytes"] = size
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out["input_rss_mb"] = round(rss0 / 1024, 1)
    return out


def run_child(mode: str, tbox: Path, abox: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(tbox), str(abox)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def best(runs: list[dict]) -> dict:
    """The fastest run, with the time of every run."""
    top = min(runs, key=lambda r: r["seconds"])
    return {**top, "all_seconds": [r["seconds"] for r in runs]}


def build(data: Path, out: Path, explain: bool) -> dict:
    args = [sys.executable, "-m", "bgraph", "build", str(data), "-o", str(out), "--force", "--json"]
    if explain:
        args.append("--explain")
    t0 = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - t0
    info = json.loads(proc.stdout)
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    return {
        "explain": explain,
        "seconds": round(seconds, 2),
        "quads": info["quads"],
        "explanations": info["graphs"].get("https://w3id.org/bgraph/graph/explanations", 0),
        "store_mb": round(size / 1e6, 1),
        "timings": info.get("timings", {}),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--build-sizes", type=int, nargs="*", default=[100_000])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    import pyoxigraph as ox

    from bgraph.iris import ONTOLOGY_GRAPH
    from bgraph.store import open_dataset

    work = Path(tempfile.mkdtemp(prefix="bgraph-bench-explain-"))
    tbox = work / "tbox.nt"
    opened = open_dataset(inference=False, cluster=False)
    tbox.write_bytes(
        opened.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(ONTOLOGY_GRAPH))
    )
    report: dict = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
        },
        "sizes": {},
        "builds": {},
    }
    try:
        for n in sorted(set(args.sizes) | set(args.build_sizes)):
            data = work / f"u{n}.nt"
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bgraph",
                    "synth",
                    "-n",
                    str(n),
                    "--seed",
                    "1",
                    "-o",
                    str(data),
                ],
                check=True,
                capture_output=True,
            )
            if n in args.sizes:
                row = {}
                for mode in ("closure", "explain", "graph"):
                    repeat = args.repeat if mode != "graph" else 1
                    row[mode] = best([run_child(mode, tbox, data) for _ in range(repeat)])
                    print(n, mode, json.dumps(row[mode]), flush=True)
                report["sizes"][str(n)] = row
            if n in args.build_sizes:
                builds = [build(data, work / f"s{n}", explain) for explain in (False, True)]
                report["builds"][str(n)] = builds
                for b in builds:
                    print(n, "build", json.dumps(b), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print()
    print("| triples | closure s | with derivations s | peak RSS MB | explanation triples |")
    print("|---:|---:|---:|---:|---:|")
    for n, row in report["sizes"].items():
        c, e, g = row["closure"], row["explain"], row["graph"]
        print(
            f"| {int(n):,} | {c['seconds']} | {e['seconds']} | "
            f"{c['peak_rss_mb']} -> {e['peak_rss_mb']} | {g['graph_triples']:,} |"
        )


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], sys.argv[3], sys.argv[4])))
    else:
        main()
