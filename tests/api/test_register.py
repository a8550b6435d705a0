"""Register API: lists with filters, detail, CSV, Atom feed; access labels as everywhere else."""

import csv
import io
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from assistant.service import Paragraf
from ingest.pipeline import ingest_paths

PROTOCOL = Path(__file__).resolve().parents[1] / "data" / "protokoll-exempelstad.txt"
KEYS = {"reader-key": ["internal"]}


@pytest.fixture
def client(seeded_app: Paragraf, tmp_path: Path):
    folder = tmp_path / "internal"
    folder.mkdir()
    shutil.copy(PROTOCOL, folder / "protokoll-exempelstad.txt")
    (folder / "protokoll-exempelstad.txt.meta.json").write_text(
        '{"organisation": "Exempelstad", "body": "Kommunfullmäktige", "title": "Protokoll KF"}', encoding="utf-8")
    report = ingest_paths([folder], seeded_app.index, visibility="internal")
    assert report.count("added") == 1, report.files
    settings = seeded_app.settings.model_copy(update={"api_keys": KEYS})
    with TestClient(create_app(settings, paragraf=seeded_app)) as c:
        yield c


READER = {"X-API-Key": "reader-key"}


def test_anonymous_callers_never_see_an_internal_protocol(client: TestClient):
    anon = client.get("/api/decisions", params={"limit": 1000}).json()
    assert all(not r["doc_id"].startswith("protokoll-exempelstad") for r in anon["items"])
    assert client.get("/api/decisions/protokoll-exempelstad:b41").status_code == 404
    assert client.get("/api/decisions", params={"has_vote": "true"}).json()["total"] == 0
    feed = client.get("/feeds/decisions.atom").text
    assert "cykelplan" not in feed


def test_filters_detail_and_citations_for_a_reader(client: TestClient):
    voted = client.get("/api/decisions", params={"has_vote": "true"}, headers=READER).json()
    assert [r["number"] for r in voted["items"]] == ["41", "43"]
    sd = client.get("/api/decisions", params={"party": "SD", "has_reservation": "true"}, headers=READER).json()
    assert [r["number"] for r in sd["items"]] == ["41"]
    assert client.get("/api/decisions", params={"q": "parkbänkar"}, headers=READER).json()["total"] == 1
    assert client.get("/api/decisions", params={"date_from": "2025-04-01"}, headers=READER).json()["total"] == 0
    one = client.get("/api/decisions/protokoll-exempelstad:b41", headers=READER).json()
    assert one["votes"][0]["yes"] == 40 and one["reservations"][0]["parties"] == ["SD"]
    cited = client.get(f"/api/paragraphs/{one['decision_points'][0]['source']['paragraph_id']}", headers=READER).json()
    assert one["decision_points"][0]["source"]["quote"] in cited["paragraph"]["text"]
    paged = client.get("/api/decisions", params={"limit": 1, "offset": 1}, headers=READER).json()
    assert len(paged["items"]) == 1 and paged["total"] >= 3


def test_assignments_due_filter_and_targets(client: TestClient):
    due = client.get("/api/assignments", params={"due_from": "2026-11-01", "due_to": "2026-12-31"}, headers=READER).json()
    assert [r["receiver"] for r in due["items"]] == ["Trafiknämnden"]
    targets = client.get("/api/targets", params={"q": "vårdmöten"}).json()
    assert targets["total"] >= 1 and all(t["target"] for t in targets["items"])
    first = targets["items"][0]["record_id"]
    assert client.get(f"/api/targets/{first}").json()["record_id"] == first
    assert client.get(f"/api/assignments/{first}").status_code == 404  # a target id is not an assignment


def test_csv_is_one_row_per_record_with_vote_columns(client: TestClient):
    r = client.get("/api/decisions", params={"format": "csv", "has_vote": "true"}, headers=READER)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [row["paragraf"] for row in rows] == ["41", "43"]
    assert (rows[0]["ja"], rows[0]["nej"], rows[0]["avstår"]) == ("40", "9", "2")
    assert rows[0]["röstade_nej"] == "Per Holm (SD), Eva Ek (SD)"
    assert rows[1]["ofullständig"] == "ja"


def test_atom_feed_is_valid_and_filterable(client: TestClient):
    r = client.get("/feeds/decisions.atom", params={"body": "Kommunfullmäktige"}, headers=READER)
    assert r.headers["content-type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = ET.fromstring(r.content).findall("a:entry", ns)
    titles = [e.find("a:title", ns).text for e in entries]
    assert titles and all(t.startswith("Kommunfullmäktige 2025-03-13 §") for t in titles)
    assert entries[0].find("a:link", ns).get("href").startswith("http://testserver/kalla/")


def test_bad_filters_are_refused_in_swedish(client: TestClient):
    r = client.get("/api/decisions", params={"date_from": "2025-05-01", "date_to": "2025-01-01"})
    assert r.status_code == 422 and "date_from" in r.json()["detail"]
    assert client.get("/api/decisions/inte ett id").status_code == 404
    assert client.get("/api/decisions", params={"limit": 0}).status_code == 422
