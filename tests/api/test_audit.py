"""The audit trail: admin actions and refused accesses as JSON lines, read back by admins only."""

import json

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.service import Paragraf
from cli.main import main as cli
from core.audit import AuditLog, key_id
from ingest.pipeline import ingest_paths
from tests.conftest import wait_for_job

INTERNAL = "forhandling-kvarnen"
KEYS = {"reader-key": ["public"], "admin-key": ["admin", "internal"]}
ADMIN = {"X-API-Key": "admin-key"}


@pytest.fixture
def audited(seeded_app: Paragraf, tmp_path):
    folder = tmp_path / "internal"
    folder.mkdir()
    (folder / f"{INTERNAL}.txt").write_text(
        "Förhandling\n\nRegionstyrelsen ska sälja fastigheten Kvarnen 12 för 48 miljoner kronor.\n",
        encoding="utf-8",
    )
    ingest_paths([folder], seeded_app.index, visibility="internal")
    settings = seeded_app.settings.model_copy(update={"api_keys": KEYS, "rate_limit_per_minute": 0})
    with TestClient(create_app(settings, paragraf=seeded_app)) as c:
        yield c, seeded_app


def entries(app: Paragraf) -> list[dict]:
    return [json.loads(line) for line in app.settings.audit_path.read_text(encoding="utf-8").splitlines()]


def test_admin_actions_are_recorded_with_key_id_request_id_and_outcome(audited):
    c, app = audited
    up = c.post("/api/admin/documents", headers={**ADMIN, "X-Request-ID": "req-upload-1"},
                files={"file": ("beslut.txt", "Beslut\n\nNämnden beslutar att bygga en ny skola i Umeå.\n".encode())})
    assert up.status_code == 202
    doc_id = wait_for_job(c, up.json(), ADMIN)["files"][0]["doc_id"]
    assert c.delete(f"/api/admin/documents/{doc_id}", headers=ADMIN).status_code == 200
    assert c.delete("/api/admin/documents/finns-inte", headers=ADMIN).status_code == 404
    assert c.get("/api/feedback", headers=ADMIN).status_code == 200
    log = entries(app)
    assert [(e["action"], e["target"], e["outcome"]) for e in log] == [
        ("document.upload", "beslut.txt", "queued"),
        ("document.ingest", doc_id, "added"),  # written by the job process
        ("document.delete", doc_id, "removed"),
        ("document.delete", "finns-inte", "not_found"),
        ("feedback.export", "feedback.jsonl", "ok"),
    ]
    assert {e["who"] for e in log} == {key_id("admin-key")}
    assert log[0]["request_id"] == "req-upload-1" and all(e["request_id"] for e in log)
    assert log[1]["request_id"] == "req-upload-1" and log[1]["details"]["job_id"] == up.json()["job_id"]
    assert "admin-key" not in app.settings.audit_path.read_text(encoding="utf-8")  # never the key itself


def test_refused_accesses_are_recorded_but_look_like_missing_documents(audited):
    c, app = audited
    assert c.get(f"/api/documents/{INTERNAL}").status_code == 404
    assert c.get(f"/api/paragraphs/{INTERNAL}:p1", headers={"X-API-Key": "reader-key"}).status_code == 404
    assert c.get("/api/documents/finns-inte").status_code == 404  # missing, not refused: no entry
    assert c.get(f"/api/documents/{INTERNAL}", headers=ADMIN).status_code == 200  # allowed: no entry
    assert c.post("/api/admin/documents", headers={"X-API-Key": "reader-key"},
                  files={"file": ("x.txt", b"text")}).status_code == 403
    assert c.get("/api/admin/audit").status_code == 401
    log = [(e["action"], e["who"], e["target"]) for e in entries(app)]
    assert log == [
        ("access.refused", "anonym", INTERNAL),
        ("access.refused", key_id("reader-key"), f"{INTERNAL}:p1"),
        ("admin.refused", key_id("reader-key"), "POST /api/admin/documents"),
        ("admin.refused", "anonym", "GET /api/admin/audit"),
    ]


def test_admins_read_the_trail_newest_first_with_filters(audited):
    c, _app = audited
    c.get(f"/api/documents/{INTERNAL}")
    c.delete("/api/admin/documents/finns-inte", headers=ADMIN)
    got = c.get("/api/admin/audit", headers=ADMIN).json()
    assert [e["action"] for e in got] == ["document.delete", "access.refused"]
    only = c.get("/api/admin/audit", headers=ADMIN, params={"action": "access.refused"}).json()
    assert [e["target"] for e in only] == [INTERNAL]
    mine = c.get("/api/admin/audit", headers=ADMIN, params={"who": key_id("admin-key"), "limit": 2}).json()
    assert [e["action"] for e in mine] == ["audit.read", "audit.read"]  # reading the trail is recorded
    assert c.get("/api/admin/audit", headers=ADMIN, params={"action": "nonsense"}).status_code == 422


def test_cli_ingest_and_remove_are_recorded_as_the_cli_user(tmp_path, monkeypatch):
    monkeypatch.setenv("PARAGRAF_EMBEDDER", "hashing")
    doc = tmp_path / "in" / "protokoll.txt"
    doc.parent.mkdir()
    doc.write_text("Protokoll\n\nNämnden beslutar att anta planen.\n", encoding="utf-8")
    data = tmp_path / "data"
    assert cli(["ingest", "--quiet", "--data-dir", str(data), str(doc)]) == 0
    assert cli(["ingest", "--quiet", "--data-dir", str(data), str(doc)]) == 0  # unchanged: nothing recorded
    assert cli(["remove", "--data-dir", str(data), "protokoll"]) == 0
    log = AuditLog(data / "audit.jsonl").read()
    assert [(e.action, e.target, e.outcome) for e in log] == [
        ("document.delete", "protokoll", "removed"), ("document.ingest", "protokoll", "added"),
    ]
    assert all(e.who.startswith("cli") for e in log)


def test_a_damaged_line_does_not_hide_the_rest(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl")
    log.record("anonym", "access.refused", "a")
    with log.path.open("a", encoding="utf-8") as fh:
        fh.write("{not json\n")
    log.record("anonym", "access.refused", "b")
    assert [e.target for e in log.read()] == ["b", "a"]
    with pytest.raises(ValueError):
        log.record("anonym", "something.else")
