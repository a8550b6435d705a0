"""Load test: N concurrent clients against /api/ask and /api/ask/stream on loopback.

    python -m evals.load [--clients 16] [--duration 60] [--max-requests 200000]
                         [--url http://127.0.0.1:8000 | --data-dir DIR | --corpus samples]

Without --url it ingests the corpus into a temporary folder (or uses --data-dir as it is) and
starts `paragraf serve` as a real process, with the per-client rate limit off (every client here
shares one address). Each client alternates a plain and a streamed question; a streamed answer
counts as an error unless it ends with `done` and carries every citation. Prints throughput,
p50/p95/p99 and errors; exits 1 when any request failed. Bounded by count and time; refuses
non-loopback URLs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

from evals.benchmark import QUESTIONS, running_server
from evals.runner import percentile

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _stream_ok(body: str) -> tuple[bool, str]:
    events = []
    for block in body.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        events.append((fields.get("event"), fields.get("data", "")))
    if not events or events[-1][0] != "done":
        last = events[-1] if events else None
        return False, f"stream did not end with done (last event: {str(last)[:300]})"
    done = json.loads(events[-1][1])
    citations = [json.loads(d) for e, d in events if e == "citation"]
    tokens = "".join(json.loads(d)["text"] for e, d in events if e == "token")
    if citations != done["citations"] or tokens != done["answer"]:
        return False, "stream lost citations or answer text"
    return True, ""


def run_load(base: str, clients: int, duration_s: float, max_requests: int) -> dict:
    import httpx

    host = urlparse(base).hostname
    if host not in LOOPBACK:
        raise SystemExit(f"refusing to load {host}: loopback only")
    deadline = time.monotonic() + duration_s
    lock = threading.Lock()
    counter = {"sent": 0}
    latencies: dict[str, list[float]] = {"ask": [], "stream": []}
    errors: list[str] = []

    def client(n: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as http:
            i = n
            while time.monotonic() < deadline:
                with lock:
                    if counter["sent"] >= max_requests:
                        return
                    counter["sent"] += 1
                kind = "ask" if i % 2 == 0 else "stream"
                question = QUESTIONS[i % len(QUESTIONS)]
                i += 1
                t = time.perf_counter()
                try:
                    r = http.post(f"/api/{'ask' if kind == 'ask' else 'ask/stream'}", json={"question": question})
                    ok, why = (r.status_code == 200, f"HTTP {r.status_code}: {r.text[:200]}")
                    if ok and kind == "stream":
                        ok, why = _stream_ok(r.text)
                except httpx.HTTPError as exc:
                    ok, why = False, repr(exc)
                ms = 1000 * (time.perf_counter() - t)
                with lock:
                    latencies[kind].append(ms)
                    if not ok:
                        errors.append(f"{kind}: {why}")

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - started
    every = latencies["ask"] + latencies["stream"]

    def stats(values: list[float]) -> dict:
        if not values:
            return {"requests": 0}
        return {"requests": len(values), "p50_ms": round(percentile(values, 0.50), 1),
                "p95_ms": round(percentile(values, 0.95), 1), "p99_ms": round(percentile(values, 0.99), 1),
                "max_ms": round(max(values), 1)}

    return {
        "clients": clients, "duration_s": round(wall, 1), "requests": len(every),
        "throughput_rps": round(len(every) / wall, 1), "errors": len(errors), "error_samples": errors[:5],
        "all": stats(every), "ask": stats(latencies["ask"]), "stream": stats(latencies["stream"]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds (upper bound)")
    parser.add_argument("--max-requests", type=int, default=200_000, help="upper bound on requests")
    parser.add_argument("--url", help="an already running server on loopback")
    parser.add_argument("--data-dir", type=Path, help="an already ingested data folder to serve")
    parser.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[1] / "samples")
    parser.add_argument("--output", type=Path, help="also write the results as JSON")
    args = parser.parse_args(argv)

    if args.url:
        results = run_load(args.url, args.clients, args.duration, args.max_requests)
    else:
        with tempfile.TemporaryDirectory(prefix="paragraf-load-") as tmp:
            data = args.data_dir
            if data is None:
                from evals.benchmark import bench_ingest

                data = Path(tmp) / "data"
                print("Läser in korpusen …", file=sys.stderr)
                bench_ingest(args.corpus, data)
            env = {"PARAGRAF_RATE_LIMIT_PER_MINUTE": "0", "PARAGRAF_LOG_JSON": "true"}
            with running_server(data, env) as (base, _, _pid):
                results = run_load(base, args.clients, args.duration, args.max_requests)
    results["machine_cpus"] = os.cpu_count()
    print(f"Paragraf load test: {results['clients']} clients, {results['duration_s']} s")
    for key in ("requests", "throughput_rps", "errors"):
        print(f"  {key:16s} {results[key]}")
    for kind in ("all", "ask", "stream"):
        print(f"  {kind:16s} " + ", ".join(f"{k} {v}" for k, v in results[kind].items()))
    for sample in results["error_samples"]:
        print(f"  error: {sample}")
    if args.output:
        args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return 1 if results["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
