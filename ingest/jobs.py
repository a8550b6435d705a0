"""Background ingest jobs: an upload returns at once with a job id; the ingest runs in its own
process, so parsing, OCR and embedding never hold the API's interpreter.

Design
- A job is a folder `data_dir/jobs/<job_id>/`: `job.json` (state, progress, results; replaced
  atomically), `files/` (the uploads, deleted when the job ends) and `settings.json` (the server's
  settings without API keys, so a resumed job ingests the same way).
- The job process holds an exclusive `flock` on `lock` while it runs. The kernel drops it when the
  process dies, even on kill -9, so "is anyone running this job?" is one non-blocking lock
  attempt, with no pid files to go stale, and several API processes can share one data folder.
- `JobManager.pump()` (every second, from the API) starts queued jobs, and restarts jobs whose
  state says running but whose lock is free (their process died): ingest is idempotent per
  document (content hash), so a restart skips what is stored and rewrites a half-written document.
  After `MAX_ATTEMPTS` starts a job is marked failed. At most `max_ingest_jobs` run at once.
- The job process runs at a lower CPU priority (`ingest_job_nice`), so answering keeps its latency.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import subprocess
import sys
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from core.settings import Settings
from ingest.pipeline import count_pages

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
FINAL = ("done", "failed")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class JobFile(BaseModel):
    name: str
    status: str = Field("pending", description="pending, added, updated, unchanged or skipped.")
    doc_id: str = ""
    paragraphs: int = 0
    pages: int = 0
    message: str = ""


class Job(BaseModel):
    job_id: str
    state: Literal["queued", "running", "done", "failed"] = "queued"
    created: str = Field(default_factory=_now)
    started: str | None = None
    finished: str | None = None
    attempts: int = Field(0, description="Times a process started the job (a restart after a crash adds one).")
    pid: int | None = Field(None, description="Process id of the last process that ran it (informational).")
    visibility: str = "public"
    who: str = Field("", description="Key id of the caller who submitted it.")
    request_id: str = ""
    files: list[JobFile] = Field(default_factory=list)
    pages_total: int = Field(0, description="Pages of all files, counted at submission.")
    pages_done: int = Field(0, description="Pages of the files finished so far.")
    stage: str = Field("", description="What the job does now, e.g. 'OCR 12/300: scan.pdf'.")
    errors: list[str] = Field(default_factory=list, description="One line per file that was skipped, or why the job failed.")


class JobStore:
    """Job folders under `folder` (data_dir/jobs)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def path(self, job_id: str) -> Path:
        if not job_id.isalnum():
            raise ValueError("bad job id")
        return self.folder / job_id

    def create(self, uploads: list[Path], settings: Settings, visibility: str, who: str = "",
               request_id: str = "") -> Job:
        """A queued job owning `uploads` (moved into it, with their sidecars)."""
        job = Job(job_id=uuid.uuid4().hex, visibility=visibility, who=who, request_id=request_id)
        folder = self.path(job.job_id)
        files = folder / "files"
        files.mkdir(parents=True)
        for upload in uploads:
            for companion in upload.parent.glob(upload.name + "*"):  # the file and its .meta.json
                shutil.move(str(companion), files / companion.name)
            job.files.append(JobFile(name=upload.name, pages=count_pages(files / upload.name)))
        job.pages_total = sum(f.pages for f in job.files)
        dumped = settings.model_dump(mode="json", exclude={"api_keys", "cors_origins"})
        (folder / "settings.json").write_text(json.dumps(dumped, ensure_ascii=False), encoding="utf-8")
        self.save(job)
        return job

    def save(self, job: Job) -> None:
        folder = self.path(job.job_id)
        tmp = folder / f"job.json.{os.getpid()}.tmp"
        tmp.write_text(job.model_dump_json(indent=1), encoding="utf-8")
        os.replace(tmp, folder / "job.json")

    def get(self, job_id: str) -> Job | None:
        try:
            return Job.model_validate_json((self.path(job_id) / "job.json").read_text(encoding="utf-8"))
        except (ValueError, OSError):
            return None

    def all(self, skip: set[str] | frozenset[str] = frozenset()) -> list[Job]:
        """Every job (except the ids in `skip`, which are not read), newest first."""
        if not self.folder.is_dir():
            return []
        names = (p.name for p in self.folder.iterdir() if p.name.isalnum() and p.name not in skip)
        jobs = [j for j in (self.get(name) for name in names) if j]
        return sorted(jobs, key=lambda j: (j.created, j.job_id), reverse=True)

    def running(self, job_id: str) -> bool:
        """Whether a process holds the job's lock (i.e. is running it now)."""
        lock = self.path(job_id) / "lock"
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o640)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
            return False
        finally:
            os.close(fd)


class JobManager:
    """Starts job processes (at most `settings.max_ingest_jobs` at once) and resumes dead ones."""

    def __init__(self, settings: Settings, on_finished=None) -> None:
        self.settings = settings
        self.store = JobStore(settings.data_dir / "jobs")
        self.on_finished = on_finished  # called with each job this manager saw finish
        self._children: dict[str, subprocess.Popen] = {}
        self._finished: set[str] = set()  # final jobs stay final: pump() does not read them again
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def submit(self, uploads: list[Path], visibility: str, who: str = "", request_id: str = "") -> Job:
        job = self.store.create(uploads, self.settings, visibility, who, request_id)
        self.pump()
        return job

    def pump(self) -> None:
        """Reap finished processes, then start queued or orphaned jobs up to the limit."""
        with self._lock:
            for job_id, proc in list(self._children.items()):
                if proc.poll() is not None:
                    del self._children[job_id]
                    job = self.store.get(job_id)
                    if job and job.state in FINAL and self.on_finished:
                        self.on_finished(job)
            jobs = self.store.all(skip=self._finished)
            self._finished.update(j.job_id for j in jobs if j.state in FINAL and j.job_id not in self._children)
            waiting = [j for j in reversed(jobs) if j.state not in FINAL]
            busy = sum(1 for j in waiting if j.job_id in self._children or self.store.running(j.job_id))
            for job in waiting:
                if busy >= self.settings.max_ingest_jobs:
                    break
                if job.job_id in self._children or self.store.running(job.job_id):
                    continue
                if job.attempts >= MAX_ATTEMPTS:
                    job.state, job.finished = "failed", _now()
                    job.errors.append(f"Jobbet avbröts {job.attempts} gånger och gavs upp.")
                    self.store.save(job)
                    continue
                if job.state == "running":
                    logger.warning("ingest job %s lost its process; resuming it", job.job_id)
                self._children[job.job_id] = self._spawn(job.job_id)
                busy += 1

    def _spawn(self, job_id: str) -> subprocess.Popen:
        log = open(self.store.path(job_id) / "job.log", "ab")  # noqa: SIM115 - the child owns it
        try:
            return subprocess.Popen(
                [sys.executable, "-m", "ingest.jobs", str(self.store.path(job_id)), str(self.settings.ingest_job_nice)],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                cwd=Path(__file__).resolve().parents[1],
            )
        finally:
            log.close()

    def start(self) -> None:
        """Pump every second in a background thread (and once now, to resume jobs after a restart)."""
        self.pump()

        def loop() -> None:
            while not self._stop.wait(1.0):
                try:
                    self.pump()
                except Exception:
                    logger.exception("ingest job pump failed")

        self._thread = threading.Thread(target=loop, name="ingest-jobs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop pumping; running job processes go on and the next start adopts them."""
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)


def run(folder: Path) -> int:
    """The job process: take the lock, ingest the files not finished yet, record the outcome."""
    from core.audit import AuditLog
    from index.embedders import create_embedder
    from index.store import ParagraphIndex
    from ingest import progress
    from ingest.pipeline import ingest_paths

    store = JobStore(folder.parent)
    fd = os.open(folder / "lock", os.O_RDWR | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return 0  # another process runs it
    job = store.get(folder.name)
    if job is None or job.state in FINAL:
        return 0
    job.state, job.started, job.attempts, job.pid = "running", job.started or _now(), job.attempts + 1, os.getpid()
    store.save(job)
    try:
        settings = Settings.model_validate_json((folder / "settings.json").read_text(encoding="utf-8"))
        index = ParagraphIndex(settings, create_embedder(settings))
        audit = AuditLog(settings.audit_path)
        for item in job.files:
            if item.status != "pending":
                continue  # finished before a crash

            def listen(stage: str, done: int, total: int, name: str = item.name) -> None:
                job.stage = f"{stage} {done}/{total}: {name}"
                store.save(job)

            with progress.listening(listen):
                report = ingest_paths([folder / "files" / item.name], index, visibility=job.visibility)
            result = report.files[0]
            item.status, item.doc_id, item.paragraphs, item.message = (
                result.status, result.doc_id, result.paragraphs, result.message)
            item.pages = result.pages or item.pages
            if result.status == "skipped":
                job.errors.append(f"{item.name}: {result.message}")
            job.pages_done += item.pages
            job.stage = ""
            store.save(job)
            audit.record(job.who or "job", "document.ingest", result.doc_id or item.name, result.status,
                         job.request_id, job_id=job.job_id, file=item.name, paragraphs=result.paragraphs)
        failed = all(f.status == "skipped" for f in job.files)
        job.state = "failed" if failed else "done"
    except Exception as exc:
        logger.exception("ingest job %s failed", job.job_id)
        job.state = "failed"
        job.errors.append(f"Jobbet misslyckades: {exc}")
    job.finished, job.stage = _now(), ""
    store.save(job)
    shutil.rmtree(folder / "files", ignore_errors=True)
    return 0 if job.state == "done" else 1


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if len(sys.argv) > 2 and int(sys.argv[2]):
        os.nice(int(sys.argv[2]))  # yield the CPU to answering
    sys.exit(run(Path(sys.argv[1])))
