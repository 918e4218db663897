"""What a generation keeps about its corpus, so that the next build reads only what changed.

```
<generation>/corpus.json   the pipeline's fingerprint, the repeated lines, and per corpus file: its
                           size, mtime and SHA-256, and what it gave (documents with their facet
                           values, skips, warnings)
<generation>/lines.npz     per raw article, the line hashes the repeated-line count needs; per
                           document, its near-duplicate signature
```
A build whose fingerprint differs (another version of the code, rules or gazetteer) reads every
file again; see `index.build`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np
import orjson

from index import cache, store
from index.duplicates import HASHES
from index.repeated import LineHashes

CORPUS = "corpus.json"
LINES = "lines.npz"
FILES = (CORPUS, LINES)
_PACKAGE = Path(__file__).parent
PIPELINE_LIBRARIES = (
    "whoosh-reloaded", "snowballstemmer", "PyStemmer", "wordfreq", "lingua-language-detector", "pyahocorasick", "trafilatura", "lxml",
    "lightgbm", "numpy",
)


@dataclass
class DocSummary:
    """One indexed document as the build report counts it."""

    id: str
    lang: str
    dated: bool
    actors: list[str]
    removed: dict[str, int]
    where: tuple[str, int] | None = field(default=None, compare=False)  # (segment id, document number) where a Whoosh build wrote it, kept in LINES
    minhash: np.ndarray | None = field(default=None, repr=False, compare=False)  # kept in LINES, see index.duplicates


@dataclass
class FileRecord:
    """One corpus file: how to tell it changed, and what it gave."""

    size: int
    mtime_ns: int
    sha256: str
    docs: list[DocSummary] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (source, reason, detail)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (source, message)
    lines: list[LineHashes] = field(default_factory=list)  # one per raw article, in file order


@dataclass
class Manifest:
    fingerprint: str
    repeated: frozenset[int]
    files: dict[str, FileRecord]


def fingerprint(actors_file: str | None, rules_dir: Path | None = None, cleaner_model: str | None = None) -> str:
    """A hash of everything that decides what a file becomes in the index: the code, rules, models and
    data of the `index` package, the versions of the libraries it reads and analyses with, and the
    user's actors file, rule files and cleaner model."""
    digest = hashlib.sha256(cache.versions(PIPELINE_LIBRARIES))
    paths = sorted(p for p in _PACKAGE.rglob("*") if p.suffix in (".py", ".toml", ".gz") and "__pycache__" not in p.parts)
    for path in paths:  # named relative to the package: a checkout moved elsewhere builds on
        digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    if actors_file:
        digest.update(b"actors\0" + Path(actors_file).read_bytes() + b"\0")
    for path in sorted(rules_dir.glob("*.toml")) if rules_dir else ():
        digest.update(b"rules\0" + path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    if cleaner_model:
        model = Path(cleaner_model)
        digest.update(b"model\0" + (model.read_bytes() if model.is_file() else str(cleaner_model).encode()) + b"\0")
    return digest.hexdigest()


def file_hash(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def save(generation: Path, manifest: Manifest) -> None:
    lines = [h for record in manifest.files.values() for h in record.lines]
    short = [h.short for h in lines]
    long = [h.long for h in lines]
    places = [doc.where for record in manifest.files.values() for doc in record.docs]
    segments = sorted({where[0] for where in places if where})
    number = {segment: k for k, segment in enumerate(segments)}
    np.savez(
        generation / LINES,
        short=np.concatenate(short) if short else np.zeros(0, np.int64),
        short_count=np.array([len(a) for a in short], dtype=np.int64),
        long=np.concatenate(long) if long else np.zeros(0, np.int64),
        long_count=np.array([len(a) for a in long], dtype=np.int64),
        fallback=np.array([h.fallback for h in lines], dtype=np.int64),
        repeated=np.array(sorted(manifest.repeated), dtype=np.int64),
        minhash=signatures(manifest),
        place_segment=np.array([number[where[0]] if where else -1 for where in places], dtype=np.int32),
        place_number=np.array([where[1] if where else -1 for where in places], dtype=np.int32),
    )
    files = {  # the arrays are in LINES
        rel: {name: getattr(record, name) for name in _RECORD_FIELDS}
        | {"raw": len(record.lines), "docs": [{name: getattr(d, name) for name in _SUMMARY_FIELDS} for d in record.docs]}
        for rel, record in manifest.files.items()
    }
    store.write_atomic(generation / CORPUS, orjson.dumps({"fingerprint": manifest.fingerprint, "segments": segments, "files": files}))


# What corpus.json keeps of a record and of a document summary: the rest is in LINES.
_RECORD_FIELDS = tuple(f.name for f in fields(FileRecord) if f.name not in ("docs", "lines"))
_SUMMARY_FIELDS = tuple(f.name for f in fields(DocSummary) if f.name not in ("minhash", "where"))


def signatures(manifest: Manifest) -> np.ndarray:
    """Every document's near-duplicate signature, one row each, in manifest order."""
    rows = [doc.minhash for record in manifest.files.values() for doc in record.docs]
    return np.stack(rows) if rows else np.zeros((0, HASHES), dtype=np.uint32)


def load(generation: Path) -> Manifest | None:
    """The manifest of a generation, or None when it has none (or an unreadable one)."""
    try:
        data = orjson.loads((generation / CORPUS).read_bytes())
        arrays = np.load(generation / LINES)
        short = np.split(arrays["short"], np.cumsum(arrays["short_count"])[:-1]) if len(arrays["short_count"]) else []
        long = np.split(arrays["long"], np.cumsum(arrays["long_count"])[:-1]) if len(arrays["long_count"]) else []
        lines = [LineHashes(s, lo, int(f)) for s, lo, f in zip(short, long, arrays["fallback"])]
        repeated = frozenset(arrays["repeated"].tolist())
        minhash = iter(arrays["minhash"])
        segments = data["segments"]
        places = iter(zip(arrays["place_segment"].tolist(), arrays["place_number"].tolist()))
    except (OSError, ValueError, KeyError):  # orjson.JSONDecodeError is a ValueError
        return None
    files, at = {}, 0
    for rel, entry in data["files"].items():
        raw = entry.pop("raw")
        entry["docs"] = [DocSummary(**d, where=_place(segments, *next(places)), minhash=next(minhash)) for d in entry["docs"]]
        entry["skipped"] = [tuple(s) for s in entry["skipped"]]
        entry["warnings"] = [tuple(w) for w in entry["warnings"]]
        files[rel] = FileRecord(**entry, lines=lines[at : at + raw])
        at += raw
    return Manifest(data["fingerprint"], repeated, files)


def _place(segments: list[str], segment: int, number: int) -> tuple[str, int] | None:
    return (segments[segment], number) if segment >= 0 else None
