"""The index folder: numbered generations, the CURRENT pointer that names the live one, a build lock.

```
<index>/CURRENT                      the live generation's name (replaced atomically)
<index>/generations/<name>/          a Whoosh index, its segments' postings arrays (index.postings), build.json and checksums.json
<index>/.build.lock                  held (flock) by the running build
<index>/last_build.json              how the last build ended: succeeded or failed, when, how long
<index>/jobs/                        rebuilds started over HTTP (search.jobs)
```
A generation is complete once its `build.json` exists; only complete generations become live. One
that was rolled back from carries a `ROLLED_BACK` mark: it is never live again and goes at the next
prune.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

POINTER = "CURRENT"
GENERATIONS = "generations"
REPORT = "build.json"
DUPLICATES = "duplicates.json"  # groups of near-duplicate document ids
LOCK = ".build.lock"
LAST_BUILD = "last_build.json"  # how the last build ended
CHECKSUMS = "checksums.json"  # size and CRC-32 of every file of a generation, written as it is finished
ROLLED_BACK = "ROLLED_BACK"
WHOOSH_LOCKS = ("MAIN_WRITELOCK",)


class BuildLocked(RuntimeError):
    """Another build holds the index folder's lock."""


EXIT_LOCKED = 3  # the exit status `newsfacet-index` reports BuildLocked with


def generations_dir(index_dir: Path) -> Path:
    return index_dir / GENERATIONS


def current_name(index_dir: Path) -> str | None:
    """The live generation's name, or None when there is no complete live generation."""
    try:
        name = (index_dir / POINTER).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if not name or "/" in name or name.startswith("."):
        return None
    return name if (generations_dir(index_dir) / name / REPORT).is_file() else None


def read_report(generation: Path) -> dict:
    return json.loads((generation / REPORT).read_text(encoding="utf-8"))


def new_generation(index_dir: Path) -> Path:
    """A fresh, empty folder for a new generation, named by the UTC time it was started."""
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    path = generations_dir(index_dir) / f"g{stamp}"
    path.mkdir(parents=True)
    return path


def write_atomic(path: Path, data: str | bytes, durable: bool = False) -> None:
    """Write `path` whole or not at all, whoever else writes it at the same time (a temporary file
    of its own renamed over it); `durable`: on disk before the rename."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with tmp.open("wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_last_build(index_dir: Path, outcome: dict) -> None:
    write_atomic(index_dir / LAST_BUILD, json.dumps(outcome))


def read_last_build(index_dir: Path) -> dict | None:
    """How the last build ended (see index.build), or None before any build recorded one."""
    try:
        return json.loads((index_dir / LAST_BUILD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_duplicates(generation: Path, groups: list[list[str]]) -> None:
    write_atomic(generation / DUPLICATES, json.dumps({"groups": groups}, ensure_ascii=False))


def read_duplicates(generation: Path) -> list[list[str]]:
    """The generation's near-duplicate groups; none for a generation built before they were kept."""
    try:
        return json.loads((generation / DUPLICATES).read_text(encoding="utf-8"))["groups"]
    except FileNotFoundError:
        return []


def finish(generation: Path, report: dict, previous: Path | None = None) -> None:
    """Record the size and checksum of every file of a generation, then mark it complete by writing
    its report (atomically). A file hard-linked from the `previous` generation (the same file on
    disk, which Whoosh never changes) keeps the checksum recorded there instead of being read again."""
    known = _recorded_checksums(previous) if previous is not None else {}
    fingerprints = {}
    for path in _data_files(generation):
        same = path.name in known and _same_file(path, previous / path.name)
        fingerprints[path.name] = known[path.name] if same else _fingerprint(path)
    write_atomic(generation / CHECKSUMS, json.dumps(fingerprints))
    write_atomic(generation / REPORT, json.dumps(report, ensure_ascii=False, indent=2))


def _recorded_checksums(generation: Path) -> dict[str, list[int]]:
    try:
        return json.loads((generation / CHECKSUMS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def verify(generation: Path) -> str | None:
    """What is wrong with a generation's files, naming the first damaged one, or None when every
    file has the size and checksum its build recorded (reads every file: the size of the index in
    I/O). A generation built before checksums were kept is checked for its report only."""
    if not (generation / REPORT).is_file():
        return f"{generation.name} is not a finished generation (no {REPORT})"
    try:
        recorded = json.loads((generation / CHECKSUMS).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except ValueError:
        return f"{generation / CHECKSUMS} is damaged"
    for name, (size, checksum) in recorded.items():
        path = generation / name
        try:
            found_size = path.stat().st_size
        except FileNotFoundError:
            return f"{path} is missing"
        if found_size != size:
            return f"{path} has {found_size:,} bytes, its build wrote {size:,}"
        if _fingerprint(path)[1] != checksum:
            return f"{path} does not have the checksum its build recorded"
    return None


def _data_files(generation: Path) -> list[Path]:
    return sorted(
        path for path in generation.iterdir()
        if path.is_file() and not path.name.startswith(".") and path.name not in (REPORT, CHECKSUMS, ROLLED_BACK, *WHOOSH_LOCKS)
    )


def _fingerprint(path: Path) -> tuple[int, int]:
    """(size, CRC-32) of a file, read in blocks."""
    checksum, size = 0, 0
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            checksum, size = zlib.crc32(block, checksum), size + len(block)
    return size, checksum


def discard(generation: Path) -> None:
    """Delete an unfinished generation."""
    shutil.rmtree(generation, ignore_errors=True)


def switch(index_dir: Path, name: str) -> None:
    """Make `name` the live generation: one atomic rename of the pointer file."""
    write_atomic(index_dir / POINTER, name + "\n", durable=True)


def complete(generation: Path) -> bool:
    """Finished, and not rolled back from."""
    return (generation / REPORT).is_file() and not (generation / ROLLED_BACK).exists()


def prune(index_dir: Path, keep: int = 2) -> list[str]:
    """Delete unfinished and rolled-back generations and all complete ones but the live one and the
    newest others, `keep` in all. Call it only while holding the build lock."""
    live = current_name(index_dir)
    if not generations_dir(index_dir).is_dir():
        return []
    folders = sorted((p for p in generations_dir(index_dir).iterdir() if p.is_dir()), reverse=True)
    kept = {live} if live else set()
    for p in folders:
        if len(kept) >= keep:
            break
        if complete(p):
            kept.add(p.name)
    removed = []
    for p in folders:
        if p.name not in kept:
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p.name)
    return removed


def rollback(index_dir: Path) -> str:
    """Make the newest complete generation older than the live one live again, and mark the one
    left as rolled back from. Call it only while holding the build lock."""
    live = current_name(index_dir)
    if live is None:
        raise ValueError(f"{index_dir} has no live generation to roll back from")
    older = sorted((p for p in generations_dir(index_dir).iterdir() if p.is_dir() and p.name < live and complete(p)), reverse=True)
    if not older:
        raise ValueError(f"{index_dir} keeps no generation older than the live one ({live}) to roll back to")
    (generations_dir(index_dir) / live / ROLLED_BACK).touch()
    switch(index_dir, older[0].name)
    return older[0].name


def undo_rollback(index_dir: Path, live: str) -> None:
    """Make `live` live again after a rollback that could not be completed elsewhere."""
    (generations_dir(index_dir) / live / ROLLED_BACK).unlink(missing_ok=True)
    switch(index_dir, live)


def link_index(source: Path, target: Path, skip: tuple[str, ...] = ()) -> None:
    """Give `target` the Whoosh files of generation `source`, hard-linked where the file system
    allows (Whoosh never changes a file it has written; it writes new ones), else copied."""
    for path in source.iterdir():
        if not path.is_file() or path.name in skip or path.name in (REPORT, CHECKSUMS, DUPLICATES, ROLLED_BACK, *WHOOSH_LOCKS):
            continue
        try:
            os.link(path, target / path.name)
        except OSError:
            shutil.copy2(path, target / path.name)


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index folder's build lock; raise BuildLocked at once if another build holds it.

    An flock belongs to the open file: the kernel releases it when the holder dies, so a crashed
    build never leaves the folder locked.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / LOCK).open("a+") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(f"another build is running on {index_dir}") from None
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
