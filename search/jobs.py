"""Rebuilds started over HTTP: each one a `newsfacet-index` process, watched from a thread.

A separate process keeps a build's CPU work and memory out of the server, and a build that dies
takes nothing with it; the index folder's lock still allows one build at a time, whoever starts it.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from index import cli
from index.store import EXIT_LOCKED
from search.errors import Conflict, NotFound

KEEP_JOBS = 50  # finished jobs remembered, newest first


@dataclass
class Job:
    id: str
    full: bool
    status: str = "running"  # running, succeeded, failed
    started_at: float = field(default_factory=time.time)
    finished_at: float | None = None
    message: str | None = None
    report: dict | None = None

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
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, full: bool = False) -> Job:
        """Start a build; Conflict when one started here still runs."""
        with self._lock:
            running = next((j for j in self._jobs.values() if j.status == "running"), None)
            if running:
                raise Conflict(f"reindex job {running.id} is still running")
            job = Job(uuid.uuid4().hex[:12], full)
            self._jobs[job.id] = job
            for old in list(self._jobs)[:-KEEP_JOBS]:
                del self._jobs[old]
        command = cli.command(self.corpus_dir, self.index_dir, full=full, actors_file=self.actors_file)
        threading.Thread(target=self._run, args=(job, command), name=f"reindex-{job.id}", daemon=True).start()
        return job

    def get(self, job_id: str) -> Job:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFound(f"no reindex job {job_id!r}", "job")
        return job

    def _run(self, job: Job, command: list[str]) -> None:
        try:
            done = subprocess.run(command, capture_output=True, text=True)
        except OSError as exc:
            job.status, job.message = "failed", f"the build could not be started: {exc}"
        else:
            if done.returncode == 0:
                job.status, job.report = "succeeded", json.loads(done.stdout)
                job.message = f"indexed {job.report['documents']} documents into generation {job.report['generation']}"
            else:
                job.status = "failed"
                reason = "another build is running on this index" if done.returncode == EXIT_LOCKED else "the build failed"
                job.message = f"{reason}: {done.stderr.strip()[-500:]}"
        job.finished_at = time.time()
