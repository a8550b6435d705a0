"""Bulk ingest (ingest.pipeline): files parsed in worker processes ahead of the embedder give the
same index as parsing in-process, in the same order; a broken file in the batch is reported and
skipped without stopping the pool; page counts feed the progress bar."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.service import Paragraf
from ingest.pipeline import collect_files, count_pages, ingest_paths, parsed_in_order
from tests.conftest import SEEDS, FakeEmbedder


def corpus(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    (folder / "trasig.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<")
    return folder


def test_worker_processes_give_the_same_index_as_parsing_in_process(settings, tmp_path):
    folder = corpus(tmp_path)
    results = {}
    for workers in (0, 2):
        s = settings.model_copy(update={"data_dir": tmp_path / f"data-{workers}"})
        app = Paragraf(s, embedder=FakeEmbedder())
        report = ingest_paths([folder], app.index, workers=workers)
        statuses = [(f.path.rsplit("/", 1)[-1], f.status, f.paragraphs) for f in report.files]
        snap = app.index.snapshot()
        results[workers] = (statuses, [(p.paragraph_id, p.text) for p in snap.paragraphs])
        [broken] = report.skipped
        assert broken.path.endswith("trasig.pdf") and "trasig" in broken.message
        assert report.count("added") == len(statuses) - 1 > 2
    assert results[0] == results[2]


def test_parsing_ahead_keeps_the_order_and_reports_each_file(tmp_path):
    folder = corpus(tmp_path)
    files, _ = collect_files([folder])  # sidecars and the folder's README are not documents
    out = list(parsed_in_order(files, "public", workers=1))
    assert [path for path, _doc, _s in out] == files
    kinds = {path.name: type(doc).__name__ for path, doc, _s in out}
    assert kinds.pop("trasig.pdf") == "IngestError"
    assert set(kinds.values()) == {"ParsedDocument"}
    assert all(seconds >= 0 for _p, _d, seconds in out)


def test_pages_are_counted_cheaply(tmp_path):
    text = tmp_path / "a.txt"
    text.write_text("Sida ett\fSida två\fSida tre", encoding="utf-8")
    assert count_pages(text) == 3
    assert count_pages(tmp_path / "saknas.pdf") == 0


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process states from /proc")
def test_parser_workers_exit_when_the_ingest_process_is_killed():
    """kill -9 of an ingest job must not leave its parser processes waiting forever."""
    import os
    import signal
    import subprocess
    import sys
    import time

    script = (
        "import os, time\n"
        "from ingest.pipeline import parse_pool\n"
        "pool = parse_pool(1)\n"
        "print(pool.submit(os.getpid).result(), flush=True)\n"
        "time.sleep(60)\n"
    )
    job = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        worker = int(job.stdout.readline())
        os.kill(worker, 0)  # alive while the job is
        job.send_signal(signal.SIGKILL)
        job.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with open(f"/proc/{worker}/status") as status:
                    if "\nState:\tZ" in status.read():  # exited, not yet reaped
                        break
            except FileNotFoundError:
                break
            time.sleep(0.2)
        else:
            os.kill(worker, signal.SIGKILL)
            raise AssertionError(f"parser worker {worker} outlived its killed parent by 10 s")
    finally:
        job.kill()
