import shutil
from pathlib import Path

import pytest

from assistant.service import Paragraf
from index.store import IndexMismatchError
from ingest.pipeline import ingest_paths
from tests.conftest import SEEDS, FakeEmbedder


def _copy_seeds(dest: Path, names: list[str] | None = None) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for src in SEEDS.iterdir():
        if names is None or any(src.name.startswith(n) for n in names):
            shutil.copy(src, dest / src.name)
    return dest


def test_reingest_of_unchanged_files_does_nothing(app: Paragraf, fake_embedder: FakeEmbedder, tmp_path: Path):
    corpus = _copy_seeds(tmp_path / "c")
    first = ingest_paths([corpus], app.index)
    calls = fake_embedder.passage_calls
    second = ingest_paths([corpus], app.index)
    assert first.count("added") == 5
    assert second.count("unchanged") == 5 and second.paragraphs == 0
    assert fake_embedder.passage_calls == calls  # nothing embedded again


def test_changed_file_replaces_its_paragraphs_without_duplicates(app: Paragraf, tmp_path: Path):
    corpus = _copy_seeds(tmp_path / "c", ["000"])
    ingest_paths([corpus], app.index)
    doc = corpus / "000_ee3bcc82b85d44b3.txt"
    before = app.index.document("000_ee3bcc82b85d44b3")[1]
    doc.write_text(doc.read_text(encoding="utf-8").split("Förslag till beslut")[0], encoding="utf-8")
    report = ingest_paths([corpus], app.index)
    assert report.count("updated") == 1
    meta, after = app.index.document("000_ee3bcc82b85d44b3")
    assert len(after) < len(before) and meta.paragraph_count == len(after)
    ids = [p.paragraph_id for p in after]
    assert len(ids) == len(set(ids))
    assert app.index._collection.count() == len(after)  # no orphan vectors left in Chroma
    assert not any("Regiondirektören" in p.text for p in after)


def test_document_can_be_removed(app: Paragraf, tmp_path: Path):
    ingest_paths([_copy_seeds(tmp_path / "c", ["000", "004"])], app.index)
    assert app.index.delete_document("004_f85ab3a437c3689b")
    assert [d.doc_id for d in app.index.documents()] == ["000_ee3bcc82b85d44b3"]
    assert app.index.paragraph("004_f85ab3a437c3689b:p1") is None
    assert not app.index.delete_document("004_f85ab3a437c3689b")


def test_bad_file_is_skipped_and_the_index_survives(app: Paragraf, tmp_path: Path):
    corpus = _copy_seeds(tmp_path / "c", ["000"])
    ingest_paths([corpus], app.index)
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    (corpus / "zero.txt").write_bytes(b"")
    shutil.copy(SEEDS / "004_f85ab3a437c3689b.txt", corpus / "later.txt")
    report = ingest_paths([corpus, tmp_path / "missing-folder"], app.index)
    assert {Path(f.path).name for f in report.skipped} == {"broken.pdf", "zero.txt", "missing-folder"}
    assert all(f.message for f in report.skipped)
    assert {d.doc_id for d in app.index.documents()} == {"000_ee3bcc82b85d44b3", "later"}


def test_half_written_document_is_not_reported_as_stored(app: Paragraf, tmp_path: Path):
    corpus = _copy_seeds(tmp_path / "c", ["000"])
    ingest_paths([corpus], app.index)
    # Simulate a writer killed between delete and add, as replace_document does it: the generation
    # naming the document moves first, then some of its paragraphs are gone.
    app.index._bump("000_ee3bcc82b85d44b3")
    app.index._collection.delete(ids=["000_ee3bcc82b85d44b3:p1", "000_ee3bcc82b85d44b3:p2"])
    assert app.index.stored_hash("000_ee3bcc82b85d44b3") is None
    # ... and the rest of it is hidden from readers until it is written again
    assert app.index.paragraph("000_ee3bcc82b85d44b3:p3") is None
    assert app.index.documents() == []
    assert app.ask("Hur mycket ska tjänsteresandet minska?").abstained
    report = ingest_paths([corpus], app.index)
    assert report.count("updated") == 1
    assert app.index.stored_hash("000_ee3bcc82b85d44b3") is not None


def test_index_refuses_vectors_from_another_embedder(settings, tmp_path: Path):
    first = Paragraf(settings, embedder=FakeEmbedder(name="fake:a"))
    ingest_paths([_copy_seeds(tmp_path / "c", ["000"])], first.index)
    with pytest.raises(IndexMismatchError, match="fake:a"):
        Paragraf(settings, embedder=FakeEmbedder(name="fake:b"))


def test_other_process_changes_are_picked_up(settings, tmp_path: Path):
    reader = Paragraf(settings, embedder=FakeEmbedder())
    assert reader.index.documents() == []
    writer = Paragraf(settings, embedder=FakeEmbedder())
    ingest_paths([_copy_seeds(tmp_path / "c", ["004"])], writer.index)
    assert [d.doc_id for d in reader.index.documents()] == ["004_f85ab3a437c3689b"]


@pytest.mark.slow
def test_ingest_from_another_process_beside_a_running_reader(tmp_path: Path):
    """`paragraf ingest` while `paragraf serve` runs on the same embedded store: the reader
    must see the new vectors (Chroma's per-process cache used to fail with 'Nothing found on
    disk')."""
    import subprocess
    import sys

    from core.settings import Settings

    data = tmp_path / "data"
    reader = Paragraf(Settings(data_dir=data, refresh_interval_s=0.0))
    assert reader.ask("Hur mycket ska tjänsteresandet minska?").abstained  # empty index
    for seed in ("000", "001"):
        corpus = _copy_seeds(tmp_path / f"c{seed}", [seed])
        done = subprocess.run(
            [str(Path(sys.executable).with_name("paragraf")), "ingest", str(corpus), "--quiet",
             "--data-dir", str(data)], capture_output=True, text=True, timeout=300,
        )
        assert done.returncode == 0, done.stderr
        answer = reader.ask("Hur mycket ska tjänsteresandet minska?")
        assert not answer.abstained and "15 procent" in answer.answer
        assert reader.retriever.retrieve("tjänsteresandet").hits[0].dense > 0  # vectors, not only BM25


def test_a_restart_loads_the_saved_lexical_index_and_an_ingest_tokenises_only_the_new_document(
    settings, fake_embedder: FakeEmbedder, tmp_path: Path
):
    first = Paragraf(settings, embedder=fake_embedder)
    ingest_paths([_copy_seeds(tmp_path / "a", ["000", "004"])], first.index)
    assert first.index.segments.built_segments == 2  # each document tokenised once, at its ingest
    expected = first.index.lexical_search("tjänsteresandet minska", 5)
    assert first.index.segments.built_segments == 2  # BM25 merged from the segments

    restarted = Paragraf(settings, embedder=fake_embedder)
    assert restarted.index.lexical_search("tjänsteresandet minska", 5) == expected
    assert restarted.index.segments.loaded_merged and restarted.index.segments.built_segments == 0

    ingest_paths([_copy_seeds(tmp_path / "b", ["001"])], restarted.index)
    scoped = restarted.index.lexical_search("tjänsteresandet minska", 5, {"004_f85ab3a437c3689b"})
    assert restarted.index.segments.built_segments == 1  # only the new document
    assert scoped[0] and all(pid.startswith("004_f85ab3a437c3689b:") for pid, _ in scoped[0] + scoped[1])

    # What a start reads from the segments is exactly what Chroma holds.
    again = Paragraf(settings, embedder=fake_embedder)
    snap = again.index.snapshot()
    from_chroma, broken = again.index._read(None)
    assert not broken and sorted(from_chroma) == sorted(snap.documents)
    for doc_id, doc in from_chroma.items():
        assert doc.meta.model_dump() == snap.documents[doc_id].model_dump()
        assert [p.model_dump() for p in doc.paragraphs] == [p.model_dump() for p in snap.paragraphs[slice(*snap.rows[doc_id])]]


@pytest.mark.parametrize("share", [0.0, 0.2, 1.01])  # always cut afterwards / the default / always filter
def test_scoped_dense_search_equals_chromas_filtered_query_for_broad_and_narrow_scopes(
    app: Paragraf, tmp_path: Path, monkeypatch, share: float
):
    monkeypatch.setattr("index.store.POST_FILTER_SHARE", share)
    ingest_paths([_copy_seeds(tmp_path / "c")], app.index)
    docs = sorted(app.index.snapshot().documents)
    vector = app.embedder.embed_query("Hur mycket ska tjänsteresandet minska?")
    for scope in ({docs[0]}, set(docs[1:]), set(docs)):  # narrow (filtered), broad (cut afterwards), all
        got = app.index.dense_search(vector, 8, scope)
        scoped = sum(1 for p in app.index.snapshot().paragraphs if p.doc_id in scope)
        want = app.index._dense_query(vector, 8, {"doc_id": {"$in": sorted(scope)}}, scoped)
        assert got == want  # paragraphs tied at the last place too: both paths cut ties by id
        assert got and all(pid.split(":")[0] in scope for pid, _ in got)
    assert app.index.dense_search(vector, 8, set()) == []


def _count_reads(monkeypatch, index) -> list:
    """What `index` reads from Chroma (all: None, or a where filter), from now on."""
    reads: list = []
    real = index._read

    def spy(where):
        reads.append(where)
        return real(where)

    monkeypatch.setattr(index, "_read", spy)
    return reads


def test_a_restart_reads_nothing_from_chroma_and_a_write_elsewhere_fetches_only_that_document(
    settings, fake_embedder: FakeEmbedder, tmp_path: Path, monkeypatch
):
    settings.refresh_interval_s = 0.0
    writer = Paragraf(settings, embedder=fake_embedder)
    ingest_paths([_copy_seeds(tmp_path / "a", ["000", "004"])], writer.index)
    before = writer.ask("Hur mycket ska tjänsteresandet minska?")

    reader = Paragraf(settings, embedder=fake_embedder)
    reads = _count_reads(monkeypatch, reader.index)
    after = reader.ask("Hur mycket ska tjänsteresandet minska?")
    assert (after.answer, after.citations) == (before.answer, before.citations)
    assert reads == []  # catalogue and paragraphs from the local segments

    ingest_paths([_copy_seeds(tmp_path / "b", ["001"])], writer.index)  # "another process"
    assert len(reader.index.documents()) == 3
    assert reads == [{"doc_id": {"$in": ["001_a6015617de8c6d97"]}}]
    assert writer.index.delete_document("004_f85ab3a437c3689b")
    assert sorted(d.doc_id for d in reader.index.documents()) == ["000_ee3bcc82b85d44b3", "001_a6015617de8c6d97"]
    assert reader.index.paragraph("004_f85ab3a437c3689b:p1") is None


def test_when_the_change_log_does_not_reach_back_everything_is_read_again(
    settings, fake_embedder: FakeEmbedder, tmp_path: Path, monkeypatch
):
    monkeypatch.setattr("index.chroma.CHANGE_LOG", 2)
    settings.refresh_interval_s = 0.0
    writer = Paragraf(settings, embedder=fake_embedder)
    ingest_paths([_copy_seeds(tmp_path / "a", ["000"])], writer.index)
    reader = Paragraf(settings, embedder=fake_embedder)
    reader.index.snapshot()
    reads = _count_reads(monkeypatch, reader.index)
    ingest_paths([_copy_seeds(tmp_path / "b", ["001", "004"])], writer.index)  # four generations
    assert len(reader.index.documents()) == 3
    assert reads == [None]


def test_equal_dense_scores_come_back_in_id_order_also_at_the_cut(app: Paragraf, monkeypatch):
    """HNSW returns ties in no fixed order; ranks (and evaluations) must not depend on it, nor on
    which of the paragraphs tied at the k-th place HNSW happened to return."""
    asked: list[int] = []

    class Ties:
        def query(self, **kwargs):
            asked.append(kwargs["n_results"])
            return {"ids": [["d:p9", "d:p3", "d:p5", "d:p1", "d:p2"]], "distances": [[0.1, 0.2, 0.1, 0.3, 0.2]]}

    monkeypatch.setattr(app.index, "_collection", Ties())
    found = app.index._dense_query(app.embedder.embed_query("x"), 3, None, 5)
    assert [pid for pid, _ in found] == ["d:p5", "d:p9", "d:p2"]
    assert asked == [5]  # more than k, never more than there are
    assert found[0][1] == pytest.approx(0.9)
