"""Past one machine, measured: the same synthetic universe in bgraph's own store and in Virtuoso 7,
each served by bgraph's front, side by side in one run.

    python bench/scale.py                      # 1M triples (about 5 minutes on 2 cores)
    python bench/scale.py --sizes 1000000 3000000 10000000

For each size N: ``bgraph synth -n N`` (N-Triples, seed 0), then

- **built-in**: ``bgraph build FILE -o DIR`` (parse, OWL 2 RL closure, index): wall time, the
  store's size on disk; ``bgraph serve --store DIR``;
- **Virtuoso**: a fresh database (.ci/setup.d/80-virtuoso.sh start, 127.0.0.1 only), ``bgraph
  push --store DIR --endpoint .../sparql-graph-crud-auth --user dba`` (the same enriched dataset:
  every graph, the union, counts checked): wall time, the database's size after a checkpoint;
  ``bgraph serve --endpoint .../sparql``;

and through each front: the first home page, an entity page (first and warm), and each bench
query (bench/queries/*.rq) ``--rounds`` times (p50, after one warm-up), answers compared.
Writes bench/results/scale.md and scale.json. Everything runs on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
QUERIES = HERE / "queries"
SCRIPT = ROOT / ".ci" / "setup.d" / "80-virtuoso.sh"
BGRAPH = str(Path(sys.executable).parent / "bgraph")
SERIES_PAGE = "SELECT ?s WHERE { ?s a bg:TVSeries } ORDER BY ?s LIMIT 1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def timed(cmd: list[str], **kwargs: Any) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, **kwargs)
    return time.perf_counter() - start


class Front:
    """A ``bgraph serve`` subprocess; stopped by its pid."""

    def __init__(self, *args: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        start = time.perf_counter()
        self.proc = subprocess.Popen(
            [BGRAPH, "serve", "--port", str(self.port), "--quiet", "--timeout", "60", *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        while True:
            try:
                httpx.get(self.base + "/health", timeout=2)
                break
            except httpx.HTTPError:
                if self.proc.poll() is not None:
                    why = self.proc.stderr.read().decode() if self.proc.stderr else ""
                    raise RuntimeError(f"bgraph serve ended: {why}") from None
                time.sleep(0.1)
        self.started = time.perf_counter() - start

    def get(self, path: str, accept: str = "text/html") -> float:
        start = time.perf_counter()
        resp = httpx.get(self.base + path, headers={"Accept": accept}, timeout=600)
        resp.raise_for_status()
        return time.perf_counter() - start

    def query(self, text: str) -> tuple[float, Any]:
        start = time.perf_counter()
        resp = httpx.post(
            self.base + "/sparql",
            data={"query": text},
            headers={"Accept": "application/sparql-results+json"},
            timeout=600,
        )
        took = time.perf_counter() - start
        if resp.status_code != 200:
            return took, f"HTTP {resp.status_code}: {resp.text[:200]}"
        doc = resp.json()
        if "boolean" in doc:
            return took, doc["boolean"]
        rows = sorted(
            json.dumps({k: v.get("value") for k, v in b.items()}, sort_keys=True)
            for b in doc["results"]["bindings"]
        )
        return took, rows

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def measure_front(front: Front, rounds: int) -> dict[str, Any]:
    out: dict[str, Any] = {"start_s": front.started}
    out["home_first_s"] = front.get("/")
    out["home_warm_s"] = front.get("/")
    _took, rows = front.query(SERIES_PAGE)
    entity = json.loads(rows[0])["s"] if isinstance(rows, list) and rows else None
    if entity:
        path = "/resource?iri=" + httpx.QueryParams({"iri": entity})["iri"]
        if entity.startswith("https://w3id.org/bgraph/"):
            path = "/" + entity[len("https://w3id.org/bgraph/") :] + ".html"
        out["entity_first_s"] = front.get(path)
        out["entity_warm_s"] = front.get(path)
    queries: dict[str, Any] = {}
    for q in sorted(QUERIES.glob("*.rq")):
        text = q.read_text(encoding="utf-8")
        _warm, answer = front.query(text)
        times = [front.query(text)[0] for _ in range(rounds)]
        queries[q.stem] = {"p50_ms": statistics.median(times) * 1000, "answer": answer}
    out["queries"] = queries
    return out


def run_size(n: int, work: Path, rounds: int) -> dict[str, Any]:
    result: dict[str, Any] = {"triples": n}
    data = work / f"synth-{n}.nt"
    if not data.exists():
        subprocess.run(
            [BGRAPH, "synth", "-n", str(n), "--seed", "0", "-o", str(data), "-q"], check=True
        )
    store = work / f"store-{n}"
    shutil.rmtree(store, ignore_errors=True)
    result["build_s"] = timed([BGRAPH, "build", str(data), "-o", str(store), "--quiet"])
    result["build_bytes"] = du(store)
    info = (
        json.loads((store / "bgraph-store.json").read_text())
        if (store / "bgraph-store.json").exists()
        else {}
    )
    result["union_triples"] = info.get("union")
    print(
        f"[{n:,}] built in {result['build_s']:.1f} s, {result['build_bytes'] / 1e6:.0f} MB",
        flush=True,
    )
    front = Front("--store", str(store))
    try:
        result["builtin"] = measure_front(front, rounds)
    finally:
        front.close()
    print(f"[{n:,}] built-in front measured", flush=True)

    vdir = work / f"virtuoso-{n}"
    shutil.rmtree(vdir, ignore_errors=True)
    http, sql = free_port(), free_port()
    subprocess.run(
        ["bash", str(SCRIPT), "start", str(vdir), str(http), str(sql)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{http}"
        env = {**os.environ, "BG_VIRTUOSO_PASSWORD": "dba"}
        result["push_s"] = timed(
            [
                BGRAPH,
                "push",
                "--store",
                str(store),
                "--endpoint",
                base + "/sparql-graph-crud-auth",
                "--user",
                "dba",
                "--password-env",
                "BG_VIRTUOSO_PASSWORD",
                "-q",
                "--state",
                str(work / "push-state.json"),
                "--timeout",
                "600",
            ],
            env=env,
        )
        subprocess.run(
            ["isql-vt", f"127.0.0.1:{sql}", "dba", "dba", "exec=checkpoint;"],
            check=False,
            capture_output=True,
            timeout=600,
        )
        result["virtuoso_bytes"] = sum(
            f.stat().st_size for f in vdir.iterdir() if f.suffix in (".db", ".trx")
        )
        print(f"[{n:,}] pushed in {result['push_s']:.1f} s", flush=True)
        front = Front("--endpoint", base + "/sparql")
        try:
            result["virtuoso"] = measure_front(front, rounds)
        finally:
            front.close()
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop", str(vdir)], check=False)
        shutil.rmtree(vdir, ignore_errors=True)
    shutil.rmtree(store, ignore_errors=True)
    print(f"[{n:,}] Virtuoso front measured", flush=True)
    return result


def markdown(results: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    mb = 1e6
    lines = [
        "# Scale: bgraph's own store and Virtuoso 7, each behind bgraph's front",
        "",
        f"{meta['date']}, {meta['machine']}; `python bench/scale.py --sizes "
        f"{' '.join(str(r['triples']) for r in results)}` (synthetic universes, `bgraph synth "
        "--seed 0`, N-Triples; the enriched dataset is N plus the closure).",
        "",
        "## Load",
        "",
        "| triples | union (with closure) | `bgraph build` | store on disk | `bgraph push` "
        "to Virtuoso | Virtuoso on disk |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['triples']:,} | {r.get('union_triples') or 0:,} | {r['build_s']:.1f} s | "
            f"{r['build_bytes'] / mb:,.0f} MB | {r.get('push_s', 0):.1f} s | "
            f"{r.get('virtuoso_bytes', 0) / mb:,.0f} MB |"
        )
    lines += [
        "",
        "`bgraph build` parses, computes the OWL 2 RL closure and indexes; `bgraph push` sends "
        "the built store's graphs (and their union, to the graph bgg:union) to Virtuoso over the "
        "Graph Store Protocol with digest authentication, then checks every graph's count.",
        "",
        "## Served by bgraph's front",
        "",
    ]
    for r in results:
        b, v = r.get("builtin", {}), r.get("virtuoso", {})
        lines += [
            f"### {r['triples']:,} triples",
            "",
            "| | built-in (`--store DIR`) | Virtuoso (`--endpoint`) |",
            "|---|---:|---:|",
            f"| start to first answer | {b.get('start_s', 0):.2f} s "
            f"| {v.get('start_s', 0):.2f} s |",
        ]
        for key, label in (
            ("home_first_s", "home page, first visit"),
            ("home_warm_s", "home page, again"),
            ("entity_first_s", "a series' page, first visit"),
            ("entity_warm_s", "a series' page, again"),
        ):
            lines.append(
                f"| {label} | {b.get(key, 0) * 1000:,.0f} ms | {v.get(key, 0) * 1000:,.0f} ms |"
            )
        same = []
        for name, bq in b.get("queries", {}).items():
            vq = v.get("queries", {}).get(name, {})
            ok = "same" if bq.get("answer") == vq.get("answer") else "**differs**"
            same.append(ok)
            lines.append(
                f"| query {name} (p50) | {bq['p50_ms']:,.1f} ms | "
                f"{vq.get('p50_ms', float('nan')):,.1f} ms ({ok}) |"
            )
        lines.append("")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--work", type=Path, default=None, help="Scratch directory.")
    parser.add_argument("--out", type=Path, default=RESULTS / "scale")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="bgraph-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python "
        f"{platform.python_version()}",
    }
    results = []
    for n in args.sizes:
        results.append(run_size(n, work, args.rounds))
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.with_suffix(".json").write_text(
            json.dumps({"meta": meta, "results": results}, indent=1, default=str)
        )
        args.out.with_suffix(".md").write_text(markdown(results, meta))
    print(f"wrote {args.out.with_suffix('.md')}")


if __name__ == "__main__":
    main()
