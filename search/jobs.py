"""Rebuilds started over HTTP: each one a `newsfacet-index` process, watched from a thread.

A separate process keeps a build's CPU work and memory out of the server, and a build that dies
takes nothing with it; the index folder's lock still allows one build at a time, whoever starts it.
A job's state is a file in the index folder (`<index>/jobs/<id>.json`), not process memory, so that
every worker process of the server sees it: a job started through one is refused (409) through any
other while it runs, and polled through any of them.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator

from index import cli
from index.store import EXIT_LOCKED, write_atomic
from search.errors import Conflict, NotFound

KEEP_JOBS = 50  # finished jobs remembered, newest first
JOBS = "jobs"  # the folder of job files inside the index folder
_JOB_ID = re.compile(r"[0-9a-f]{12}")


@dataclass
class Job:
    id: str
    full: bool
    status: str = "running"  # running, succeeded, failed
    started_at: float = field(default_factory=time.time)
    finished_at: float | None = None
    message: str | None = None
    report: dict | None = None
    pid: int | None = None  # the build process, while it runs

    def to_dict(self) -> dict:
        return {
            "job": self.id,
            "status": self.status,
            "full": self.full,
            "started_at": _utc(self.started_at),
            "finished_at": _utc(self.finished_at),
            "message": self.message,
            "report": self.report,
        }


def _utc(t: float | None) -> str | None:
    return None if t is None else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


class ReindexJobs:
    def __init__(self, corpus_dir: Path, index_dir: Path, actors_file: str | None = None) -> None:
        self.corpus_dir, self.index_dir, self.actors_file = corpus_dir, index_dir, actors_file
        self.folder = index_dir / JOBS

    def start(self, full: bool = False) -> Job:
        """Start a build; Conflict when a job started through any worker still runs."""
        command = cli.command(self.corpus_dir, self.index_dir, full=full, actors_file=self.actors_file)
        with self._locked():
            running = next((job for job in self._jobs() if job.status == "running"), None)
            if running:
                raise Conflict(f"reindex job {running.id} is still running")
            job = Job(uuid.uuid4().hex[:12], full)
            try:
                process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            except OSError as exc:
                job.status, job.message, job.finished_at = "failed", f"the build could not be started: {exc}", time.time()
                self._save(job)
                return job
            job.pid = process.pid
            self._save(job)
            for old in sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime)[:-KEEP_JOBS]:
                old.unlink(missing_ok=True)
        threading.Thread(target=self._watch, args=(job, process), name=f"reindex-{job.id}", daemon=True).start()
        return job

    def get(self, job_id: str) -> Job:
        job = self._load(self.folder / f"{job_id}.json") if _JOB_ID.fullmatch(job_id) else None
        if job is None:
            raise NotFound(f"no reindex job {job_id!r}", "job")
        return job

    def _watch(self, job: Job, process: subprocess.Popen) -> None:
        stdout, stderr = process.communicate()
        if process.returncode == 0:
            job.status, job.report = "succeeded", json.loads(stdout)
            job.message = f"indexed {job.report['documents']} documents into generation {job.report['generation']}"
        else:
            job.status = "failed"
            reason = "another build is running on this index" if process.returncode == EXIT_LOCKED else "the build failed"
            job.message = f"{reason}: {stderr.strip()[-500:]}"
        job.finished_at, job.pid = time.time(), None
        self._save(job)

    def _jobs(self) -> list[Job]:
        return [job for path in self.folder.glob("*.json") if (job := self._load(path))]

    def _load(self, path: Path) -> Job | None:
        """A job from its file; a running job whose build process is gone (the server that watched it
        was stopped) is reported failed."""
        try:
            job = Job(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None
        if job.status == "running" and job.pid is not None and not _alive(job.pid):
            job.status, job.message = "failed", "the build process ended while no server watched it; see the index's generations"
        return job

    def _save(self, job: Job) -> None:
        write_atomic(self.folder / f"{job.id}.json", json.dumps(asdict(job)))

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Held while a worker checks for a running job and starts one (flock: across processes)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / ".lock").open("a+") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
