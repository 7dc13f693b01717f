"""The same queries against two versions of bgraph, side by side on this host: did a change
make requests cheaper?

    python bench/compare_revisions.py REV      # REV against the working tree; about 30 s

Checks REV out in a temporary git worktree and runs ``bgraph serve`` (defaults, the seed graph)
from it and from this checkout at once, with the same Python and packages. With the bench's own
client (httpx, keep-alive, 127.0.0.1) and the bench's queries (with their PREFIX lines, as
bench/run.py sends them), each query is sent 1,200 times to each server, A/B interleaved; the
medians go to bench/results/compare_revisions.json. A bench run's ratios move with the host as
much as with a change (Oxigraph's own ASK took 0.76–1.06 ms in runs of one morning); this
compares versions under the same conditions.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import HERE, RESULTS, accept, free_port

ROOT = HERE.parent
QUERIES = ("12-has-spin-off", "01-cast-size", "04-entity-page", "09-label-search")


def serve(src: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bgraph", "serve", "--port", str(port)],
        env={**os.environ, "PYTHONPATH": str(src)},
        cwd=tempfile.gettempdir(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return proc, f"http://127.0.0.1:{port}/sparql"


def wait(client: httpx.Client, url: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if client.post(url, data={"query": "ASK {}"}).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: no answer from {url}")
        time.sleep(0.1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("rev", help="the git revision to compare the working tree with")
    ap.add_argument("--rounds", type=int, default=1200)
    args = ap.parse_args()
    from bgraph.namespaces import PREFIXES

    head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    tree = Path(tempfile.mkdtemp(prefix="bgraph-rev-")) / "tree"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "-q", str(tree), args.rev], check=True
    )
    servers = {args.rev: serve(tree / "src"), "working tree": serve(ROOT / "src")}
    out: dict = {"rev": args.rev, "rounds": args.rounds, "p50_ms": {}}
    try:
        with httpx.Client(timeout=30) as client:
            for _proc, url in servers.values():
                wait(client, url)
            for name in QUERIES:
                query = head + (HERE / "queries" / f"{name}.rq").read_text("utf-8")
                times: dict[str, list[float]] = {k: [] for k in servers}
                for i in range(args.rounds):
                    for who in list(servers) if i % 2 else list(reversed(servers)):
                        url = servers[who][1]
                        t0 = time.perf_counter()
                        client.post(url, data={"query": query}, headers=accept(query))
                        times[who].append((time.perf_counter() - t0) * 1000)
                medians = {k: round(statistics.median(v[100:]), 3) for k, v in times.items()}
                out["p50_ms"][name] = medians
                print(name, ", ".join(f"{k} {v} ms" for k, v in medians.items()))
    finally:
        for proc, _url in servers.values():
            proc.kill()
            proc.wait()
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)])
        shutil.rmtree(tree.parent, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "compare_revisions.json").write_text(json.dumps(out, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
