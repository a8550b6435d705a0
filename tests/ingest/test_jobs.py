"""Background ingest jobs (ingest.jobs): job folders, the lock that says who runs a job, the
manager's queue limit, resuming a job whose process died, and giving up after repeated deaths."""

import fcntl
import os
import time

import pytest

from assistant.service import Paragraf
from ingest.jobs import MAX_ATTEMPTS, JobManager, JobStore, count_pages
from tests.conftest import SEEDS


def upload(tmp_path, name: str, text: str):
    folder = tmp_path / "uploads" / name.replace(".", "-")
    folder.mkdir(parents=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def wait(manager: JobManager, job_id: str, timeout_s: float = 120.0):
    deadline = time.monotonic() + timeout_s
    while True:
        manager.pump()
        job = manager.store.get(job_id)
        if job.state in ("done", "failed"):
            return job
        assert time.monotonic() < deadline, job
        time.sleep(0.2)


def hold_lock(store: JobStore, job_id: str) -> int:
    fd = os.open(store.path(job_id) / "lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


def test_a_job_ingests_its_files_and_records_the_outcome(settings, tmp_path):
    manager = JobManager(settings)
    doc = upload(tmp_path, "beslut.txt", "Beslut\n\nNämnden beslutar att bygga en simhall i Umeå för 300 miljoner kronor.\n")
    (doc.parent / "beslut.txt.meta.json").write_text('{"organisation": "Umeå kommun"}', encoding="utf-8")
    job = manager.submit([doc], "public", who="key:abc", request_id="r1")
    assert job.state == "queued" and job.pages_total == 1
    assert not doc.exists()  # moved into the job
    done = wait(manager, job.job_id)
    assert done.state == "done" and done.attempts == 1 and done.pages_done == 1 and done.errors == []
    assert done.files[0].status == "added" and done.files[0].doc_id == "beslut"
    assert not (manager.store.path(job.job_id) / "files").exists()  # uploads removed when finished
    core = Paragraf(settings)
    meta = core.index.document("beslut")[0]
    assert meta.organisation == "Umeå kommun"  # the sidecar went with the file
    [entry] = core.audit.read()
    assert (entry.who, entry.action, entry.target, entry.request_id) == ("key:abc", "document.ingest", "beslut", "r1")


def test_a_broken_file_fails_its_job_and_leaves_the_index_alone(settings, tmp_path):
    manager = JobManager(settings)
    broken = tmp_path / "u" / "trasig.pdf"
    broken.parent.mkdir()
    broken.write_bytes(b"%PDF-1.7\n1 0 obj <<")
    done = wait(manager, manager.submit([broken], "public").job_id)
    assert done.state == "failed" and done.errors[0].startswith("trasig.pdf: PDF:en är trasig")
    assert Paragraf(settings).index.documents() == []


def test_the_lock_tells_whether_a_process_runs_the_job(settings, tmp_path):
    store = JobStore(settings.data_dir / "jobs")
    job = store.create([upload(tmp_path, "a.txt", "A\n\nText.\n")], settings, "public")
    assert not store.running(job.job_id)
    fd = hold_lock(store, job.job_id)
    assert store.running(job.job_id)
    os.close(fd)  # what the kernel does when the holder dies, even on kill -9
    assert not store.running(job.job_id)
    with pytest.raises(ValueError):
        store.path("../etc")
    assert "api_keys" not in (store.path(job.job_id) / "settings.json").read_text()


def test_at_most_max_jobs_run_and_the_queue_moves_on(settings, tmp_path):
    manager = JobManager(settings.model_copy(update={"max_ingest_jobs": 1}))
    first = manager.store.create([upload(tmp_path, "a.txt", "A\n\nFörsta texten.\n")], settings, "public")
    fd = hold_lock(manager.store, first.job_id)  # first is being run (by another API process)
    second = manager.submit([upload(tmp_path, "b.txt", "B\n\nAndra texten.\n")], "public")
    time.sleep(1.0)
    manager.pump()
    assert manager.store.get(second.job_id).state == "queued"
    assert manager.store.get(first.job_id).state == "queued"
    os.close(fd)
    assert wait(manager, second.job_id).state == "done"
    assert wait(manager, first.job_id).state == "done"


def test_a_job_whose_process_died_is_resumed_and_finishes_what_is_left(settings, tmp_path):
    manager = JobManager(settings)
    a = upload(tmp_path, "a.txt", (SEEDS / "000_ee3bcc82b85d44b3.txt").read_text(encoding="utf-8"))
    b = upload(tmp_path, "b.txt", (SEEDS / "004_f85ab3a437c3689b.txt").read_text(encoding="utf-8"))
    job = manager.store.create([a, b], settings, "public")
    # As a killed process leaves it: running, one file finished, no lock held.
    job.state, job.attempts = "running", 1
    job.files[0].status, job.files[0].doc_id = "added", "a"
    manager.store.save(job)
    done = wait(manager, job.job_id)
    assert done.state == "done" and done.attempts == 2
    assert [f.status for f in done.files] == ["added", "added"]
    assert {d.doc_id for d in Paragraf(settings).index.documents()} == {"b"}  # "a" was not redone


def test_a_job_that_keeps_dying_is_given_up(settings, tmp_path):
    manager = JobManager(settings)
    job = manager.store.create([upload(tmp_path, "a.txt", "A\n\nText.\n")], settings, "public")
    job.state, job.attempts = "running", MAX_ATTEMPTS
    manager.store.save(job)
    manager.pump()
    gone = manager.store.get(job.job_id)
    assert gone.state == "failed" and "gavs upp" in gone.errors[-1]


def test_pages_are_counted_at_submission(tmp_path):
    text = tmp_path / "t.txt"
    text.write_text("sida ett\fsida två\fsida tre", encoding="utf-8")
    assert count_pages(text) == 3
    assert count_pages(tmp_path / "saknas.pdf") == 0


def test_finished_jobs_are_not_read_again_by_the_pump(settings, tmp_path, monkeypatch):
    manager = JobManager(settings)
    job = manager.submit([upload(tmp_path, "a.txt", "Beslut\n\nNämnden beslutar att bygga en bro.\n")], "public")
    wait(manager, job.job_id)
    deadline = time.monotonic() + 60
    while manager._children:  # the process exits a moment after it wrote "done"; the pump reaps it
        assert time.monotonic() < deadline
        time.sleep(0.1)
        manager.pump()
    manager.pump()  # a pump that sees it final and reaped remembers it
    read: list[str] = []
    real_get = manager.store.get
    monkeypatch.setattr(manager.store, "get", lambda job_id: read.append(job_id) or real_get(job_id))
    queued = manager.submit([upload(tmp_path, "b.txt", "Beslut\n\nNämnden beslutar att bygga en väg.\n")], "public")
    assert job.job_id not in read and queued.job_id in read
    assert wait(manager, queued.job_id).state == "done"
    assert manager.store.get(job.job_id).state == "done"  # still listed and readable by id
