"""Backup and restore: a round trip into an empty data folder gives identical answers; a backup
taken while documents are written is consistent; a damaged backup or a full target is refused."""

import json

import pytest

from assistant.backup import BackupError, backup, restore, verify
from assistant.feedback import FeedbackIn
from assistant.service import Paragraf
from core.settings import Settings
from ingest.pipeline import ingest_paths
from tests.conftest import SEEDS, FakeEmbedder

QUESTIONS = [
    "Hur mycket ska tjänsteresandet minska?",
    "Vilka uppdrag fick regionstyrelsen 2024?",
    "Vem avstod från att delta i beslutet?",
    "Vad kostar en ny simhall i Umeå?",
]


def answers(app: Paragraf) -> list:
    out = []
    for q in QUESTIONS:
        r = app.ask(q)
        out.append((r.answer, [(c.paragraph_id, c.quote) for c in r.citations]))
    return out


def quiet(_line: str) -> None:
    pass


def test_round_trip_into_an_empty_data_folder_gives_identical_answers(seeded_app: Paragraf, tmp_path):
    seeded_app.feedback.add(FeedbackIn(rating="up", question="q", answer="a"))
    seeded_app.audit.record("key:abc", "document.delete", "x", "not_found")
    manifest = backup(seeded_app.settings, tmp_path / "backup", quiet)
    assert manifest["paragraphs"] == len(seeded_app.index.snapshot().paragraphs)
    assert {"collection.jsonl", "embeddings.npy", "feedback.jsonl", "audit.jsonl"} <= set(manifest["files"])
    assert any(name.startswith("files/") for name in manifest["files"])  # the originals

    target = seeded_app.settings.model_copy(update={"data_dir": tmp_path / "restored"})
    restore(target, tmp_path / "backup", quiet)
    restored = Paragraf(target, embedder=FakeEmbedder())
    assert answers(restored) == answers(seeded_app)
    assert restored.index.documents() == seeded_app.index.documents()
    assert list(restored.feedback.lines()) == list(seeded_app.feedback.lines())
    assert [e.target for e in restored.audit.read()] == ["x"]
    original = seeded_app.settings.files_dir
    assert sorted(p.name for p in (target.data_dir / "files").iterdir()) == sorted(p.name for p in original.iterdir())
    # The restored index is a working index: it takes new documents and deletions.
    assert restored.remove("000_ee3bcc82b85d44b3")


def test_a_backup_taken_while_documents_are_written_is_consistent(seeded_app: Paragraf, tmp_path, monkeypatch):
    import assistant.backup as backup_module

    corpus = tmp_path / "changing"
    corpus.mkdir()
    text = (SEEDS / "000_ee3bcc82b85d44b3.txt").read_text(encoding="utf-8")
    real = backup_module._collection
    writes = []

    class WrittenDuringExport:  # the collection, with a writer ingesting during the first read
        def __init__(self, inner) -> None:
            self.inner = inner

        def get(self, **kw):
            rows = self.inner.get(**kw)
            if not writes:  # the rows just read are now stale
                (corpus / "levande.txt").write_text(text + "\nTillägg.\n", encoding="utf-8")
                writes.append(ingest_paths([corpus], seeded_app.index).count("added"))
            return rows

    def collection(settings):
        client, inner = real(settings)
        return client, WrittenDuringExport(inner)

    monkeypatch.setattr(backup_module, "_collection", collection)
    manifest = backup(seeded_app.settings, tmp_path / "backup", quiet)
    assert writes == [1]
    monkeypatch.setattr(backup_module, "_collection", real)
    # The export was taken again after the write: the new document is in it, whole.
    assert manifest["generation"] == seeded_app.index.snapshot(force=True).generation
    target = seeded_app.settings.model_copy(update={"data_dir": tmp_path / "restored"})
    restore(target, tmp_path / "backup", quiet)
    snap = Paragraf(target, embedder=FakeEmbedder()).index.snapshot(force=True)
    assert snap.incomplete == [] and "levande" in snap.documents
    for meta in snap.documents.values():
        assert sum(1 for p in snap.paragraphs if p.doc_id == meta.doc_id) == meta.paragraph_count


def test_a_damaged_backup_is_refused_before_anything_is_written(seeded_app: Paragraf, tmp_path):
    backup(seeded_app.settings, tmp_path / "backup", quiet)
    rows = (tmp_path / "backup" / "collection.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(rows[0])
    first["document"] = "Förfalskad text."
    rows[0] = json.dumps(first, ensure_ascii=False)
    (tmp_path / "backup" / "collection.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    target = seeded_app.settings.model_copy(update={"data_dir": tmp_path / "restored"})
    with pytest.raises(BackupError, match=r"skadad: collection\.jsonl"):
        restore(target, tmp_path / "backup", quiet)
    assert not (tmp_path / "restored").exists()
    (tmp_path / "backup" / "manifest.json").unlink()
    with pytest.raises(BackupError, match="ingen hel säkerhetskopia"):
        verify(tmp_path / "backup")


def test_restore_refuses_a_target_that_has_an_index_and_backup_a_full_folder(seeded_app: Paragraf, tmp_path):
    backup(seeded_app.settings, tmp_path / "backup", quiet)
    with pytest.raises(BackupError, match="innehåller redan"):
        restore(seeded_app.settings, tmp_path / "backup", quiet)
    with pytest.raises(BackupError, match="inte tom"):
        backup(seeded_app.settings, tmp_path / "backup", quiet)
    with pytest.raises(BackupError, match="inget index"):
        backup(Settings(data_dir=tmp_path / "empty"), tmp_path / "other", quiet)


def test_server_mode_round_trip(chroma_server, tmp_path):
    from tests.conftest import fake_scorer_path

    host, port = chroma_server
    common = {"chroma_host": host, "chroma_port": port, "refresh_interval_s": 0.0,
                  "scorer_path": fake_scorer_path(tmp_path), "embedder": "hashing"}
    source = Settings(data_dir=tmp_path / "a", collection="backup-source", **common)
    app = Paragraf(source, embedder=FakeEmbedder())
    ingest_paths([SEEDS], app.index)
    backup(source, tmp_path / "backup", quiet)
    target = Settings(data_dir=tmp_path / "b", collection="backup-target", **common)
    restore(target, tmp_path / "backup", quiet)
    assert answers(Paragraf(target, embedder=FakeEmbedder())) == answers(app)


@pytest.mark.slow
def test_cli_backup_of_a_running_server_restores_to_identical_http_answers(tmp_path):
    """Real processes and the real embedder: `paragraf backup` while `paragraf serve` runs on the
    same embedded store, `paragraf restore` into an empty folder, a second server answers alike."""
    import os
    import subprocess
    import sys

    import httpx

    from evals.benchmark import running_server
    from tests.conftest import REPO

    def cli(*args: str, data) -> subprocess.CompletedProcess:
        env = {**os.environ, "PARAGRAF_DATA_DIR": str(data)}
        return subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=600)

    source, restored = tmp_path / "source", tmp_path / "restored"
    assert cli("ingest", "--quiet", str(SEEDS), data=source).returncode == 0

    def http_answers(data) -> list:
        with running_server(data) as (base, _s, _p), httpx.Client(base_url=base, timeout=60) as c:
            if data == source:  # back up while this server runs
                done = cli("backup", str(tmp_path / "backup"), data=source)
                assert done.returncode == 0, done.stderr
            return [c.post("/api/ask", json={"question": q}).json() for q in QUESTIONS]

    before = http_answers(source)
    assert cli("restore", "--verify-only", str(tmp_path / "backup"), data=restored).returncode == 0
    done = cli("restore", str(tmp_path / "backup"), data=restored)
    assert done.returncode == 0, done.stderr
    after = http_answers(restored)
    strip = [({k: v for k, v in a.items() if k not in ("timings_ms", "conversation_id")}) for a in before]
    assert [({k: v for k, v in a.items() if k not in ("timings_ms", "conversation_id")}) for a in after] == strip
    assert any(not a["abstained"] for a in before)
    again = cli("restore", str(tmp_path / "backup"), data=restored)
    assert again.returncode == 2 and again.stderr.startswith("Fel: ")
