"""Performance benchmark: ingest throughput, server start-up, memory, and /api/ask latency.

    python -m evals.benchmark [--corpus samples] [--requests 200] [--output bench.json]

Ingests the corpus into a fresh temporary data folder (default embedder unless PARAGRAF_EMBEDDER
says otherwise), starts `paragraf serve` as a real process on loopback, and times sequential
requests on the warm server (its per-client rate limit off). Prints the numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from evals.runner import percentile

QUESTIONS = [
    "Hur mycket ska tjänsteresandet minska?",
    "Vilka uppdrag fick regionstyrelsen 2024?",
    "Vem avstod från att delta i beslutet?",
    "Vilket mål finns för klimatutsläpp från tjänsteresor?",
    "Vad beslutade regionfullmäktige om motionen om TikTok?",
    "Hur många vårdplatser ska öppnas på NUS?",
    "När ska slutrapporten lämnas?",
    "Vilka rekommendationer gav revisorerna om likviditeten?",
    "Beviljades styrelse och nämnder ansvarsfrihet för 2023?",
    "Vem är uppdragsledare för omställningen till nära vård?",
    "Hur mycket minskade budgetramarna 2020-2022 i Region Norrbotten?",
    "Vad kostar en ny simhall i Umeå?",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _torch_loaded(pid: int) -> bool:
    try:
        return "libtorch" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def bench_ingest(corpus: Path, data_dir: Path) -> dict:
    from assistant.service import Paragraf
    from core.settings import Settings
    from ingest.pipeline import ingest_paths

    started = time.perf_counter()
    app = Paragraf(Settings(data_dir=data_dir))
    init_s = time.perf_counter() - started
    report = ingest_paths([corpus], app.index)
    wall = report.seconds
    return {
        "embedder": app.embedder.name,
        "documents": report.count("added"),
        "skipped": len(report.skipped),
        "pages": report.pages,
        "paragraphs": report.paragraphs,
        "wall_s": round(wall, 2),
        "model_and_store_init_s": round(init_s, 2),
        "pages_per_s": round(report.pages / wall, 2),
        "paragraphs_per_s": round(report.paragraphs / wall, 2),
        "embedding_s": round(report.embed_seconds, 2),
        "embedding_share": round(report.embed_seconds / wall, 3),
        "beyond_embedding_share": round(1 - report.embed_seconds / wall, 3),
        "parse_s": round(report.parse_seconds, 2),
    }


@contextmanager
def running_server(data_dir: Path, env: dict[str, str] | None = None) -> Iterator[tuple[str, float, int]]:
    """Start `paragraf serve` as a real process on a free loopback port; yields (base URL,
    seconds until /health answered, pid) and stops the server afterwards."""
    import httpx

    port = _free_port()
    full_env = {**os.environ, "PARAGRAF_DATA_DIR": str(data_dir), **(env or {})}
    # The server's log goes to a file: a pipe nobody reads fills up and stalls the server.
    log = tempfile.NamedTemporaryFile(prefix="paragraf-server-", suffix=".log", delete=False)  # noqa: SIM115 - the server owns it
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=full_env, stdout=subprocess.DEVNULL, stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {Path(log.name).read_text()[-2000:]}")
            try:
                if httpx.get(base + "/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start within 120 s")
            time.sleep(0.05)
        yield base, time.perf_counter() - t0, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()
        os.unlink(log.name)


def start_chroma(folder: Path, port: int, log) -> subprocess.Popen:
    """`chroma run` on 127.0.0.1:`port` with its data in `folder`, returned once it answers."""
    import httpx

    exe = Path(sys.executable).with_name("chroma")
    folder.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([str(exe), "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("chroma run did not start")
        time.sleep(0.2)


@contextmanager
def chroma_server(folder: Path):
    """`chroma run` on a free loopback port with its data in `folder`; yields (host, port, pid)."""
    port = _free_port()
    folder.mkdir(parents=True, exist_ok=True)
    log = open(folder.parent / f"{folder.name}.log", "w")  # noqa: SIM115 - closed below
    proc = None
    try:
        proc = start_chroma(folder, port, log)
        yield "127.0.0.1", port, proc.pid
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        log.close()


def bench_server(data_dir: Path, requests: int, profile: Path | None = None) -> dict:
    import httpx

    from evals import profile_ask

    no_limit = {"PARAGRAF_RATE_LIMIT_PER_MINUTE": "0"}  # one client sends everything
    with running_server(data_dir, no_limit) as (base, startup_s, pid), httpx.Client(base_url=base, timeout=30) as client:
        for q in QUESTIONS:  # warm-up round
            client.post("/api/ask", json={"question": q}).raise_for_status()
        latencies, server_totals = [], []
        recorder = profile_ask.Recorder(pid, profile / "ask.folded") if profile else None
        for i in range(requests):
            q = QUESTIONS[i % len(QUESTIONS)]
            t = time.perf_counter()
            r = client.post("/api/ask", json={"question": q})
            latencies.append(1000 * (time.perf_counter() - t))
            r.raise_for_status()
            server_totals.append(r.json()["timings_ms"]["total"])
        stages = recorder.stop() if recorder else None
        rss = _rss_mb(pid)
        torch = _torch_loaded(pid)
    if stages is not None:
        assert profile is not None
        print("\n[profile of the server during the timed requests]")
        text = profile_ask.markdown(stages, 250, requests)
        print(text)
        (profile / "ask-stages.md").write_text(text + "\n", encoding="utf-8")
    return {
        "startup_s": round(startup_s, 2),
        "rss_mb_after_queries": round(rss, 1),
        "torch_loaded": torch,
        "requests": requests,
        "ask_p50_ms": round(percentile(latencies, 0.50), 1),
        "ask_p95_ms": round(percentile(latencies, 0.95), 1),
        "ask_max_ms": round(max(latencies), 1),
        "ask_mean_ms": round(statistics.fmean(latencies), 1),
        "server_reported_p50_ms": round(percentile(server_totals, 0.50), 1),
    }


TARGETS = [
    ("server", "ask_p50_ms", "<=", 80), ("server", "ask_p95_ms", "<=", 200),
    ("ingest", "beyond_embedding_share", "<=", 0.25), ("server", "startup_s", "<=", 5),
    ("server", "rss_mb_after_queries", "<=", 1024), ("server", "torch_loaded", "==", False),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[1] / "samples")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--output", type=Path, default=None, help="also write the results as JSON")
    parser.add_argument("--profile", type=Path, default=None,
                        help="sample the server with py-spy during the timed requests; folded stacks and "
                             "the per-stage table go to this folder")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="serve this existing index instead of ingesting --corpus (no ingest numbers)")
    args = parser.parse_args(argv)

    machine = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    if args.data_dir:
        results = {"machine": machine, "ingest": {}, "server": bench_server(args.data_dir, args.requests, args.profile)}
    else:
        with tempfile.TemporaryDirectory(prefix="paragraf-bench-") as tmp:
            data = Path(tmp) / "data"
            results = {"machine": machine, "ingest": bench_ingest(args.corpus, data)}
            results["server"] = bench_server(data, args.requests, args.profile)

    print("Paragraf benchmark")
    for section in ("machine", "ingest", "server"):
        print(f"\n[{section}]")
        for key, value in results[section].items():
            print(f"  {key:28s} {value}")
    print("\n[targets]")
    for section, key, op, target in TARGETS:
        if key not in results[section]:
            continue
        value = results[section][key]
        ok = value <= target if op == "<=" else value == target
        print(f"  {key:28s} {value!s:>10} {op} {target!s:<6} {'ok' if ok else 'MISSED'}")
    if args.output:
        args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
