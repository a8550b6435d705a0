import numpy as np

from core.models import DocumentMeta, Paragraph
from index.lexical import BM25, LexicalIndex, TermCounts
from index.segments import Manifest, SegmentStore, StoredDocument

DOCS = [
    ("a", "h1", ["Minska tjänsteresandet med 15 procent", "Formalisera arbetet med hyrberoendet"]),
    ("b", "h2", ["Regionfullmäktige har beslutat att motionen anses besvarad.", "Klimatutsläpp från tjänsteresor"]),
    ("c", "h3", ["Ökad budgetram för löneöversyn 2024", "Tjänsteresor med flyg ska minska", "Bilaga"]),
]


def _stored(doc_id: str, content_hash: str, texts: list[str]) -> StoredDocument:
    meta = DocumentMeta(doc_id=doc_id, title=f"Dokument {doc_id}", content_hash=content_hash, paragraph_count=len(texts))
    paragraphs = [Paragraph(paragraph_id=f"{doc_id}:p{n}", doc_id=doc_id, ordinal=n, page=1, text=t)
                  for n, t in enumerate(texts, start=1)]
    return StoredDocument(meta, paragraphs)


class LexicalStore(SegmentStore):
    """The lexical side of the segment store, fed (doc_id, hash, texts) triples."""

    def load(self, docs):
        texts = {doc_id: doc_texts for doc_id, _h, doc_texts in docs}
        self.asked: list[str] = []  # documents whose texts were built

        def texts_of(doc: StoredDocument) -> list[str]:
            self.asked.append(doc.meta.doc_id)
            return texts[doc.meta.doc_id]

        return self.lexical([_stored(*d) for d in docs], texts_of)

QUERIES = ["tjänsteresor", "hyrberoende", "motionen besvarad", "löneöversyn budgetram 2024", "okänt"]


def _texts(docs):
    return [t for _d, _h, texts in docs for t in texts]


def _results(index: LexicalIndex):
    return [index.search(q, 10) for q in QUERIES]


def test_merging_per_document_counts_equals_counting_everything_at_once():
    token_lists = [t.split() for t in _texts(DOCS)]
    parts = [TermCounts.count(token_lists[:2]), TermCounts.count(token_lists[2:4]), TermCounts.count(token_lists[4:])]
    whole, merged = BM25(), BM25()
    whole.build(token_lists)
    merged.load_counts(TermCounts.merge(parts))
    assert list(merged.terms) == sorted({t for d in token_lists for t in d})
    for query in (["med"], ["tjänsteresor", "minska"], ["Bilaga", "2024"], ["saknas"]):
        assert merged.search(query, 10) == whole.search(query, 10)
    assert merged.idf("med") == whole.idf("med") and merged.idf("saknas") == whole.idf("saknas")


def test_a_second_start_memory_maps_the_saved_index_and_tokenises_nothing(tmp_path):
    expected = LexicalIndex()
    expected.build(_texts(DOCS))
    first = LexicalStore(tmp_path)
    assert _results(first.load(DOCS)) == _results(expected)
    assert first.built_segments == 3 and not first.loaded_merged

    second = LexicalStore(tmp_path)
    index = second.load(DOCS)
    assert second.loaded_merged and second.built_segments == 0 and second.asked == []  # no text built
    assert isinstance(index.stems.terms, np.memmap)
    assert _results(index) == _results(expected)


def test_ingest_and_removal_tokenise_only_the_changed_document_and_drop_stale_files(tmp_path):
    store = LexicalStore(tmp_path)
    store.load(DOCS)
    changed = [DOCS[0], ("c", "h3-new", ["Budgetramen för löneöversyn höjs", "Tjänsteresor"]), ("d", "h4", ["Ny nämnd"])]
    store = LexicalStore(tmp_path)
    index = store.load(changed)
    assert store.built_segments == 2 and not store.loaded_merged  # "c" re-ingested and "d" new
    assert store.asked == ["c", "d"]  # only their texts were built
    expected = LexicalIndex()
    expected.build(_texts(changed))
    assert _results(index) == _results(expected)
    assert len(list(tmp_path.glob("merged-*"))) == 1
    assert len(list((tmp_path / "segments").glob("*.npz"))) == 3  # "b" and the old "c" are gone


def test_a_segment_keeps_the_document_and_the_manifest_names_the_snapshot(tmp_path):
    store = LexicalStore(tmp_path)
    store.load(DOCS)
    doc = store.document("c", "h3")
    assert doc.meta.title == "Dokument c" and [p.text for p in doc.paragraphs] == DOCS[2][2]
    assert doc.paragraphs[2].paragraph_id == "c:p3" and doc.paragraphs[2].ordinal == 3
    assert store.document("c", "other-hash") is None
    store.write_manifest(Manifest("coll-1", 7, [("a", "h1"), ("c", "h3")], ["b"]))
    again = SegmentStore(tmp_path).read_manifest("coll-1")
    assert again.generation == 7 and again.documents == [("a", "h1"), ("c", "h3")] and again.incomplete == ["b"]
    assert SegmentStore(tmp_path).read_manifest("another-collection") is None
    (tmp_path / "catalogue.json").write_text("{broken", encoding="utf-8")
    assert SegmentStore(tmp_path).read_manifest("coll-1") is None


def test_damaged_files_are_rebuilt_not_trusted(tmp_path):
    LexicalStore(tmp_path).load(DOCS)
    for path in (tmp_path / "segments").glob("*.npz"):
        path.write_bytes(b"not a zip")
    merged = next(tmp_path.glob("merged-*"))
    (merged / "stems.terms.npy").write_bytes(b"broken")
    store = LexicalStore(tmp_path)
    index = store.load(DOCS)
    assert not store.loaded_merged and store.built_segments == 3
    expected = LexicalIndex()
    expected.build(_texts(DOCS))
    assert _results(index) == _results(expected)


def test_a_filter_applies_inside_the_scoring_so_a_narrow_scope_is_not_starved():
    texts = [f"tjänsteresor tjänsteresor rapport {i}" for i in range(50)] + ["en rad om tjänsteresor"]
    index = LexicalIndex()
    index.build(texts)
    rows = np.zeros(len(texts), dtype=bool)
    rows[50] = True  # only the weakest paragraph is allowed
    by_stem, by_gram = index.search("tjänsteresor", 5, rows)
    assert [d for d, _ in by_stem] == [50] and [d for d, _ in by_gram] == [50]
    assert [d for d, _ in index.search("tjänsteresor", 5)[0]][:1] != [50]


def test_in_memory_store_builds_without_a_folder():
    index = LexicalStore(None).load(DOCS)
    assert index.search("formalisera arbetet", 3)[0][0][0] == 1
