from pathlib import Path

from assistant.service import Paragraf
from ingest.pipeline import ingest_paths
from tests.index.test_store import _copy_seeds


def _extracted(calls: list[tuple]) -> list[str]:
    """The ids of the documents whose decisions were extracted, in order (from a spy's calls)."""
    return [meta.doc_id for meta, _paragraphs in calls]


def test_the_register_extracts_only_documents_it_has_not_seen(app: Paragraf, tmp_path: Path, spy):
    import index.register as register

    calls = spy(register, "extract_decisions")
    ingest_paths([_copy_seeds(tmp_path / "a", ["000", "004"])], app.index)
    first = app.index.register()
    assert sorted(_extracted(calls)) == ["000_ee3bcc82b85d44b3", "004_f85ab3a437c3689b"]
    ingest_paths([_copy_seeds(tmp_path / "b", ["001"])], app.index)
    second = app.index.register()
    assert sorted(_extracted(calls)) == ["000_ee3bcc82b85d44b3", "001_a6015617de8c6d97", "004_f85ab3a437c3689b"]
    assert {r.record_id for r in first.decisions + first.assignments + first.targets} <= {
        r.record_id for r in second.decisions + second.assignments + second.targets
    }
    assert app.index.delete_document("004_f85ab3a437c3689b")
    third = app.index.register()
    assert not any(r.doc_id == "004_f85ab3a437c3689b" for r in third.decisions + third.assignments + third.targets)
    assert len(calls) == 3


def test_saved_records_spare_a_new_process_the_extraction(app: Paragraf, tmp_path: Path, monkeypatch, spy):
    import index.register as register

    ingest_paths([_copy_seeds(tmp_path / "a", ["000", "004"])], app.index)  # ingest saves the records
    before = app.index.register()
    saved = sorted(p.name for p in app.index._register_files.folder.glob("*.json"))
    assert len(saved) == 4  # records and rows of each document

    def refuse(meta, paragraphs):
        raise AssertionError(f"extracted {meta.doc_id} again")

    monkeypatch.setattr(register, "extract_decisions", refuse)
    fresh = Paragraf(app.settings, embedder=app.embedder)  # another process: empty memory cache
    loaded = fresh.index.register()
    assert [r.model_dump() for r in loaded.decisions] == [r.model_dump() for r in before.decisions]
    assert [r.model_dump() for r in loaded.assignments] == [r.model_dump() for r in before.assignments]
    # other extraction code: the saved records are not trusted
    monkeypatch.setattr(register, "extract_decisions", lambda meta, paragraphs: [])
    changed = Paragraf(app.settings, embedder=app.embedder)
    changed.index._register_files.version = "other-code"
    rows_made = spy(register, "rows_of")
    assert changed.index.register().decisions == []
    assert len(rows_made) == 2  # extracted and saved: rows computed once per document, not again for the build
    # a deleted document's saved records go with it
    assert changed.index.delete_document("004_f85ab3a437c3689b")
    changed.index.register()
    assert len(list(changed.index._register_files.folder.glob("*.json"))) == 2


def test_ingest_saves_only_the_batch_records_and_they_match_the_stored_paragraphs(
    app: Paragraf, tmp_path: Path, spy
):
    import index.register as register

    ingest_paths([_copy_seeds(tmp_path / "a", ["000", "004"])], app.index)
    app.index.register()
    calls = spy(register, "extract_decisions")
    ingest_paths([_copy_seeds(tmp_path / "b", ["001"])], app.index)
    # the batch extracted its own document, and no reader's register was built for the archive
    assert _extracted(calls) == ["001_a6015617de8c6d97"]
    assert app.index.snapshot().register is None
    # records extracted from the parsed file equal those of the paragraphs as stored in the index
    snap = app.index.snapshot()
    meta = snap.documents["001_a6015617de8c6d97"]
    stored = [p for p in snap.paragraphs if p.doc_id == meta.doc_id]
    saved = app.index._register_files.load(meta.doc_id, meta.content_hash)
    assert saved is not None and any(saved)
    again = register.extract_records(meta, stored)
    assert [[r.model_dump() for r in kind] for kind in saved] == [[r.model_dump() for r in kind] for kind in again]


def test_every_writer_saves_the_register_records_not_only_ingest(app: Paragraf, tmp_path: Path):
    """A document written straight through the index (as evals.scale does) has its records saved,
    so the first register request of a new process loads them rather than extracting."""
    from ingest.extract import is_supported
    from ingest.parse import parse_file

    seed = next(p for p in _copy_seeds(tmp_path / "a", ["000"]).iterdir() if is_supported(p))
    parsed = parse_file(seed, "public")
    app.index.replace_document(parsed, app.index.embed(parsed))
    saved = app.index._register_files.load(parsed.meta.doc_id, parsed.meta.content_hash)
    assert saved is not None and any(saved)
    assert app.index.snapshot().register is None


def test_the_register_keeps_rows_and_loads_a_document_records_only_when_asked(
    app: Paragraf, tmp_path: Path, spy
):
    """Memory at archive scale: a built register holds one small row per record; full records are
    read from the saved file of the one document a page, a lookup or an answer needs."""
    from index.register import RegisterFiles, RegisterQuery, rows_of

    ingest_paths([_copy_seeds(tmp_path / "a", ["000", "001", "004"])], app.index)
    calls = spy(RegisterFiles, "load")
    fresh = Paragraf(app.settings, embedder=app.embedder)
    register = fresh.index.register()
    assert calls == []  # the build reads the saved rows, not the records
    # the saved rows are those of the saved records
    files = fresh.index._register_files
    for meta in fresh.index.snapshot().documents.values():
        saved = files.load(meta.doc_id, meta.content_hash)
        assert saved is not None
        assert files.load_rows(meta.doc_id, meta.content_hash) == rows_of(saved)
    # without its rows file a document's rows come from its records (and no extraction)
    meta = next(iter(fresh.index.snapshot().documents.values()))
    files.rows_path(meta.doc_id, meta.content_hash).unlink()
    again = Paragraf(app.settings, embedder=app.embedder).index.register()
    assert sorted(again.rows["decision"], key=str) == sorted(register.rows["decision"], key=str)
    assert files.rows_path(meta.doc_id, meta.content_hash).exists()  # written again for the next process
    calls.clear()
    rows = register.select("decision", RegisterQuery(), None)
    assert rows and calls == []  # filtering needs no record
    assert not hasattr(rows[0], "decision_points")
    total, page = fresh.records("decision", RegisterQuery(), None, offset=0, limit=1)
    assert total == len(rows) and [r.record_id for r in page] == [rows[0].record_id]
    assert [doc_id for _files, doc_id, _hash in calls] == [rows[0].doc_id]  # the page's document only
    assert register.get(rows[0].record_id) == page[0] and len(calls) == 1  # kept for the next ask
    # a paragraph's record comes from its own document
    pid = page[0].paragraph_ids[0]
    assert register.record_for_paragraph(pid) == page[0]
    # free text and the flags filter rows as they did records
    word = page[0].title.split()[0]
    assert rows[0] in register.select("decision", RegisterQuery(q=word.upper()), None)
