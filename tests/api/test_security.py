"""Access labels: an internal paragraph never reaches an anonymous caller, by any route; admin
operations need an admin key."""

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.service import Paragraf
from ingest.pipeline import ingest_paths
from tests.conftest import wait_for_job

INTERNAL = "forhandling-kvarnen"
KEYS = {"reader-key": ["internal"], "admin-key": ["admin", "internal"]}
QUESTION = "För hur mycket ska fastigheten Kvarnen 12 säljas?"


@pytest.fixture
def secured(seeded_app: Paragraf, tmp_path):
    folder = tmp_path / "internal"
    folder.mkdir()
    (folder / f"{INTERNAL}.txt").write_text(
        "Förhandling om fastighetsförsäljning\n\nRegionstyrelsen ska sälja fastigheten Kvarnen 12 för "
        "48 miljoner kronor till Fastighets AB Norr.\n\nKöpeavtalet undertecknas i mars.\n",
        encoding="utf-8",
    )
    report = ingest_paths([folder], seeded_app.index, visibility="internal")
    assert report.count("added") == 1
    settings = seeded_app.settings.model_copy(update={"api_keys": KEYS, "rate_limit_per_minute": 0})
    with TestClient(create_app(settings, paragraf=seeded_app)) as c:
        yield c


def everything_anonymous_can_reach(c: TestClient) -> str:
    texts = [
        c.post("/api/ask", json={"question": QUESTION}).text,
        c.post("/api/ask", json={"question": QUESTION, "filters": {"organisation": ["Region Västerbotten"]}}).text,
        c.post("/api/ask/stream", json={"question": QUESTION}).text,
        c.get("/api/search", params={"q": "Kvarnen fastighet försäljning"}).text,
        c.get("/api/documents").text,
    ]
    for doc in c.get("/api/documents").json():
        texts.append(c.get(f"/api/documents/{doc['doc_id']}").text)
    return "\n".join(texts)


def test_internal_paragraph_never_reaches_anonymous_callers(secured: TestClient):
    seen = everything_anonymous_can_reach(secured)
    for secret in ("48 miljoner", "Fastighets AB Norr", "Köpeavtalet", INTERNAL):
        assert secret not in seen
    # Not found and not allowed look exactly alike (no 403 that confirms the document exists).
    for path, missing in [
        (f"/api/documents/{INTERNAL}", "/api/documents/finns-inte"),
        (f"/api/paragraphs/{INTERNAL}:p2", "/api/paragraphs/finns-inte:p2"),
        (f"/api/documents/{INTERNAL}/file", "/api/documents/finns-inte/file"),
    ]:
        hidden, absent = secured.get(path), secured.get(missing)
        assert hidden.status_code == absent.status_code == 404
        assert hidden.json()["detail"] == absent.json()["detail"].replace("finns-inte", INTERNAL)


def test_a_key_with_the_label_sees_the_internal_document(secured: TestClient):
    h = {"X-API-Key": "reader-key"}
    answer = secured.post("/api/ask", json={"question": QUESTION}, headers=h).json()
    assert any(c["doc_id"] == INTERNAL for c in answer["citations"]) and "48 miljoner" in answer["answer"]
    assert INTERNAL in {d["doc_id"] for d in secured.get("/api/documents", headers=h).json()}
    assert secured.get(f"/api/documents/{INTERNAL}/file", headers=h).status_code == 200
    p = secured.get(f"/api/paragraphs/{INTERNAL}:p2", headers=h).json()
    assert p["document"]["visibility"] == "internal"
    assert secured.get("/api/documents", headers={"X-API-Key": "wrong"}).status_code == 401


def test_admin_operations_need_an_admin_key(secured: TestClient, tmp_path):
    doc = ("protokoll.txt", "§ 3 Beslut om färdtjänst\n\nRegionstyrelsen beslutar att höja taxan för färdtjänst till 40 kronor.\n".encode())
    for headers, status in [({}, 401), ({"X-API-Key": "reader-key"}, 403)]:
        assert secured.post("/api/admin/documents", files={"file": doc}, headers=headers).status_code == status
        assert secured.delete(f"/api/admin/documents/{INTERNAL}", headers=headers).status_code == status
        assert secured.get("/api/feedback", headers=headers).status_code == status
    admin = {"Authorization": "Bearer admin-key"}
    before = len(secured.get("/api/documents", headers=admin).json())
    broken = secured.post("/api/admin/documents", files={"file": ("trasig.pdf", b"%PDF-1.7\n1 0 obj <<")}, headers=admin)
    assert broken.status_code == 202
    failed = wait_for_job(secured, broken.json(), admin)
    assert failed["state"] == "failed" and failed["errors"][0].startswith("trasig.pdf: ")
    assert len(secured.get("/api/documents", headers=admin).json()) == before  # nothing lost
    queued = secured.post(
        "/api/admin/documents", files={"file": doc},
        data={"visibility": "public", "metadata": '{"organisation": "Region Västerbotten", "doc_type": "protokoll"}'},
        headers=admin,
    )
    assert queued.status_code == 202, queued.text
    assert queued.headers["location"] == f"/api/admin/jobs/{queued.json()['job_id']}"
    made = wait_for_job(secured, queued.json(), admin)
    assert made["state"] == "done" and made["pages_done"] == made["pages_total"] == 1
    [result] = made["files"]
    assert result["status"] == "added" and result["paragraphs"] >= 1
    answer = secured.post("/api/ask", json={"question": "Vad blir taxan för färdtjänst?"}).json()
    assert "40 kronor" in answer["answer"]
    gone = secured.delete(f"/api/admin/documents/{result['doc_id']}", headers=admin)
    assert gone.status_code == 200
    assert secured.delete(f"/api/admin/documents/{result['doc_id']}", headers=admin).status_code == 404
    bad_meta = secured.post("/api/admin/documents", files={"file": doc}, data={"metadata": '{"x": 1}'}, headers=admin)
    assert bad_meta.status_code == 422 and "Okända fält" in bad_meta.json()["detail"]
    bad_label = secured.post("/api/admin/documents", files={"file": doc}, data={"visibility": "Hemlig!"}, headers=admin)
    assert bad_label.status_code == 422
