"""Answering latency while a background ingest job runs.

    python -m evals.job_latency --upload FILE [--data-dir DIR] [--nice 10] [--clients 2]
                                [--output job-latency.json]

Copies DIR (default: a fresh ingest of samples/) to a temporary folder, serves it with
`paragraf serve`, and keeps `--clients` clients asking questions over HTTP the whole time: for
`--quiet-s` seconds with no job, then while an upload of FILE is ingested as a background job
(niced by `--nice`), then `--quiet-s` seconds after it. Prints /api/ask p50/p95 per phase and the
job's throughput; the source folder is never changed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from evals.benchmark import QUESTIONS, running_server
from evals.runner import percentile

KEY = "job-latency-admin"


def measure(base: str, upload: Path, clients: int, quiet_s: float) -> dict:
    import httpx

    admin = {"X-API-Key": KEY}
    phase = {"name": "before"}
    samples: dict[str, list[float]] = {"before": [], "during": [], "after": []}
    stop = threading.Event()

    def client(n: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as c:
            i = n
            while not stop.is_set():
                name = phase["name"]
                t0 = time.perf_counter()
                c.post("/api/ask", json={"question": QUESTIONS[i % len(QUESTIONS)]}).raise_for_status()
                samples[name].append(1000 * (time.perf_counter() - t0))
                i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    time.sleep(quiet_s)
    with httpx.Client(base_url=base, timeout=120) as c:
        with upload.open("rb") as fh:
            job = c.post("/api/admin/documents", headers=admin, files={"file": (upload.name, fh)}).json()
        phase["name"] = "during"
        started = time.perf_counter()
        while (job := c.get(f"/api/admin/jobs/{job['job_id']}", headers=admin).json())["state"] not in ("done", "failed"):
            time.sleep(0.5)
        job_s = time.perf_counter() - started
    phase["name"] = "after"
    time.sleep(quiet_s)
    stop.set()
    for t in threads:
        t.join()

    def stats(values: list[float]) -> dict:
        return {"requests": len(values), "p50_ms": round(statistics.median(values), 1) if values else None,
                "p95_ms": round(percentile(values, 0.95), 1) if values else None}

    return {
        "job": {"state": job["state"], "seconds": round(job_s, 1), "pages": job["pages_total"],
                "paragraphs": sum(f["paragraphs"] for f in job["files"]),
                "pages_per_s": round(job["pages_total"] / job_s, 2) if job_s else None},
        "ask": {name: stats(values) for name, values in samples.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--upload", type=Path, required=True, help="the document the job ingests")
    parser.add_argument("--data-dir", type=Path, help="an ingested data folder (copied, never changed)")
    parser.add_argument("--nice", type=int, default=10, help="niceness of the job process (PARAGRAF_INGEST_JOB_NICE)")
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--quiet-s", type=float, default=20.0, help="seconds measured before and after the job")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="paragraf-job-latency-") as tmp:
        data = Path(tmp) / "data"
        if args.data_dir:
            shutil.copytree(args.data_dir, data, ignore=shutil.ignore_patterns("jobs", "uploads"))
        else:
            from assistant.service import Paragraf
            from core.settings import Settings
            from ingest.pipeline import ingest_paths

            ingest_paths([Path(__file__).resolve().parents[1] / "samples"], Paragraf(Settings(data_dir=data)).index)
        env = {"PARAGRAF_API_KEYS": json.dumps({KEY: ["admin"]}), "PARAGRAF_RATE_LIMIT_PER_MINUTE": "0",
               "PARAGRAF_INGEST_JOB_NICE": str(args.nice)}
        with running_server(data, env) as (base, _startup, _pid):
            result = measure(base, args.upload, args.clients, args.quiet_s)
    result["settings"] = {"nice": args.nice, "clients": args.clients, "upload": args.upload.name}
    ask, job = result["ask"], result["job"]
    print(f"job: {job['state']}, {job['pages']} pages, {job['paragraphs']} paragraphs in {job['seconds']} s "
          f"({job['pages_per_s']} pages/s), job niceness {args.nice}, {args.clients} asking clients")
    print("| phase | requests | /api/ask p50 ms | p95 ms |\n|---|---|---|---|")
    for name in ("before", "during", "after"):
        s = ask[name]
        print(f"| {name} the job | {s['requests']} | {s['p50_ms']} | {s['p95_ms']} |")
    if args.output:
        args.output.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0 if job["state"] == "done" else 1


if __name__ == "__main__":
    sys.exit(main())
