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
from index.runs import spans, starts

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


class Manifest:
    """A manifest as saved: per corpus file its entry as corpus.json holds it (size, mtime, SHA-256,
    skips, warnings, the count of its raw articles and its documents' summaries), and the arrays of
    lines.npz in the same order. A build carries unchanged files over by selecting their entries and
    array rows (`select`), without an object per file or document, and makes `FileRecord`s only for
    the files it reads again (`record`) and of those it has read (`extended`)."""

    def __init__(self, fingerprint: str, repeated: frozenset[int], entries: dict[str, dict], arrays: dict[str, np.ndarray], segments: list[str]) -> None:
        self.fingerprint, self.repeated, self.entries, self.arrays, self.segments = fingerprint, repeated, entries, arrays, segments
        self._at = {rel: k for k, rel in enumerate(entries)}
        self._articles = starts([entry["raw"] for entry in entries.values()])
        self._docs = starts([len(entry["docs"]) for entry in entries.values()])
        self._short, self._long = starts(arrays["short_count"]), starts(arrays["long_count"])

    @classmethod
    def empty(cls) -> Manifest:
        return cls("", frozenset(), {}, _arrays_of([]), [])

    def record(self, rel: str) -> FileRecord:
        """One file's record, made from its entry and array rows."""
        entry, k = self.entries[rel], self._at[rel]
        short, long, fallback = self.arrays["short"], self.arrays["long"], self.arrays["fallback"]
        lines = [
            LineHashes(short[self._short[a] : self._short[a + 1]], long[self._long[a] : self._long[a + 1]], int(fallback[a]))
            for a in range(self._articles[k], self._articles[k + 1])
        ]
        skipped, warnings = [tuple(s) for s in entry["skipped"]], [tuple(w) for w in entry["warnings"]]
        return FileRecord(entry["size"], entry["mtime_ns"], entry["sha256"], self.docs(rel), skipped, warnings, lines)

    def docs(self, rel: str) -> list[DocSummary]:
        """One file's documents."""
        rows = self.doc_rows(rel)
        places = zip(self.arrays["place_segment"][rows].tolist(), self.arrays["place_number"][rows].tolist())
        return [
            DocSummary(**doc, where=_place(self.segments, *place), minhash=minhash)
            for doc, place, minhash in zip(self.entries[rel]["docs"], places, self.arrays["minhash"][rows])
        ]

    def doc_rows(self, rel: str) -> slice:
        """The rows of a file's documents in the per-document arrays."""
        k = self._at[rel]
        return slice(self._docs[k], self._docs[k + 1])

    def select(self, entries: dict[str, dict]) -> Manifest:
        """A manifest of some of these files, in the order given, with their entries as given (the
        same, or with a new size and mtime) and their array rows."""
        files = np.fromiter((self._at[rel] for rel in entries), dtype=np.int64, count=len(entries))
        articles = _rows(self._articles, files)
        docs = _rows(self._docs, files)
        arrays = {
            "short": self.arrays["short"][_rows(self._short, articles)],
            "short_count": self.arrays["short_count"][articles],
            "long": self.arrays["long"][_rows(self._long, articles)],
            "long_count": self.arrays["long_count"][articles],
            "fallback": self.arrays["fallback"][articles],
            "minhash": self.arrays["minhash"][docs],
            "place_segment": self.arrays["place_segment"][docs],
            "place_number": self.arrays["place_number"][docs],
        }
        return Manifest(self.fingerprint, self.repeated, entries, arrays, self.segments)

    def extended(self, fingerprint: str, repeated: frozenset[int], records: dict[str, FileRecord]) -> Manifest:
        """This manifest's files, then these records, under a new fingerprint and repeated lines."""
        added = _arrays_of(list(records.values()))
        used = np.unique(self.arrays["place_segment"])
        used = used[used >= 0].tolist()
        segments = sorted({self.segments[k] for k in used} | {doc.where[0] for record in records.values() for doc in record.docs if doc.where})
        number = {segment: k for k, segment in enumerate(segments)}
        renumber = np.full(len(self.segments) + 1, -1, dtype=np.int32)  # the last for -1, no place
        renumber[used] = [number[self.segments[k]] for k in used]
        added["place_segment"] = np.array(
            [number[doc.where[0]] if doc.where else -1 for record in records.values() for doc in record.docs], dtype=np.int32
        )
        kept = self.arrays | {"place_segment": renumber[self.arrays["place_segment"]]}
        arrays = {name: np.concatenate([kept[name], added[name]]) for name in added}
        entries = self.entries | {rel: _entry(record) for rel, record in records.items()}
        return Manifest(fingerprint, repeated, entries, arrays, segments)

    def ids(self) -> list[str]:
        """Every document's id, in the order of the per-document arrays."""
        return [doc["id"] for entry in self.entries.values() for doc in entry["docs"]]

    def signatures(self) -> np.ndarray:
        """Every document's near-duplicate signature, one row each, in the same order."""
        return self.arrays["minhash"]

    def line_hashes(self) -> tuple[np.ndarray, ...]:
        """The line hashes of every raw article, as `LineCounter.add_many` takes them."""
        return _line_hashes(self.arrays)

    def holding(self, hashes: np.ndarray) -> list[str]:
        """The files with a short line among these hashes."""
        hit = np.isin(self.arrays["short"], hashes)
        if not hit.any():
            return []
        articles = np.repeat(np.arange(len(self.arrays["short_count"])), self.arrays["short_count"])[hit]
        files = np.unique(np.searchsorted(self._articles, articles, side="right") - 1)
        rels = list(self.entries)
        return [rels[k] for k in files.tolist()]


def line_hashes(records: list[FileRecord]) -> tuple[np.ndarray, ...]:
    """The line hashes of these records' raw articles, as `LineCounter.add_many` takes them."""
    return _line_hashes(_arrays_of(records, documents=False))


def _line_hashes(arrays: dict[str, np.ndarray]) -> tuple[np.ndarray, ...]:
    return arrays["short"], arrays["short_count"], arrays["long"], arrays["long_count"], arrays["fallback"]


def _rows(run_starts: np.ndarray, runs: np.ndarray) -> np.ndarray:
    """The rows of these runs (numbers into `run_starts`), run after run."""
    return spans(run_starts[runs], run_starts[runs + 1] - run_starts[runs])


def _arrays_of(records: list[FileRecord], documents: bool = True) -> dict[str, np.ndarray]:
    """The arrays of these records' articles and documents (place_segment still to number)."""
    lines = [h for record in records for h in record.lines]
    docs = [doc for record in records for doc in record.docs] if documents else []
    return {
        "short": np.concatenate([h.short for h in lines]).astype(np.int64) if lines else np.zeros(0, np.int64),
        "short_count": np.array([len(h.short) for h in lines], dtype=np.int64),
        "long": np.concatenate([h.long for h in lines]).astype(np.int64) if lines else np.zeros(0, np.int64),
        "long_count": np.array([len(h.long) for h in lines], dtype=np.int64),
        "fallback": np.array([h.fallback for h in lines], dtype=np.int64),
        "minhash": np.stack([doc.minhash for doc in docs]) if docs else np.zeros((0, HASHES), dtype=np.uint32),
        "place_segment": np.full(len(docs), -1, dtype=np.int32),
        "place_number": np.array([doc.where[1] if doc.where else -1 for doc in docs], dtype=np.int32),
    }


def _entry(record: FileRecord) -> dict:
    """A record as corpus.json keeps it: its arrays are in LINES."""
    return {name: getattr(record, name) for name in _RECORD_FIELDS} | {
        "raw": len(record.lines), "docs": [{name: getattr(doc, name) for name in _SUMMARY_FIELDS} for doc in record.docs]
    }


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
    np.savez(generation / LINES, repeated=np.array(sorted(manifest.repeated), dtype=np.int64), **manifest.arrays)
    data = {"fingerprint": manifest.fingerprint, "segments": manifest.segments, "files": manifest.entries}
    store.write_atomic(generation / CORPUS, orjson.dumps(data))


# What corpus.json keeps of a record and of a document summary: the rest is in LINES.
_RECORD_FIELDS = tuple(f.name for f in fields(FileRecord) if f.name not in ("docs", "lines"))
_SUMMARY_FIELDS = tuple(f.name for f in fields(DocSummary) if f.name not in ("minhash", "where"))
_ARRAYS = ("short", "short_count", "long", "long_count", "fallback", "minhash", "place_segment", "place_number")


def load(generation: Path) -> Manifest | None:
    """The manifest of a generation, or None when it has none (or an unreadable one)."""
    try:
        data = orjson.loads((generation / CORPUS).read_bytes())
        with np.load(generation / LINES) as saved:
            arrays = {name: saved[name] for name in _ARRAYS}
            repeated = frozenset(saved["repeated"].tolist())
        loaded = Manifest(data["fingerprint"], repeated, data["files"], arrays, data["segments"])
    except (OSError, ValueError, KeyError, TypeError):  # orjson.JSONDecodeError is a ValueError
        return None
    return loaded if _fits(loaded) else None


def _fits(m: Manifest) -> bool:
    """Whether the arrays hold as many rows as the entries say (not, say, another generation's)."""
    a = m.arrays
    articles, docs = m._articles[-1], m._docs[-1]
    return (
        len(a["short_count"]) == len(a["long_count"]) == len(a["fallback"]) == articles
        and len(a["minhash"]) == len(a["place_segment"]) == len(a["place_number"]) == docs
        and m._short[-1] == len(a["short"]) and m._long[-1] == len(a["long"])
        and bool(np.all(a["place_segment"] < len(m.segments)))
    )


def _place(segments: list[str], segment: int, number: int) -> tuple[str, int] | None:
    return (segments[segment], number) if segment >= 0 else None
