"""Bulk ingest (ingest.pipeline): files parsed in worker processes ahead of the embedder give the
same index as parsing in-process, in the same order; a broken file in the batch is reported and
skipped without stopping the pool; page counts feed the progress bar."""

from __future__ import annotations

import shutil

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
