"""Read a corpus folder into RawDocuments; report every file that cannot be used."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

from index.dates import PartialDate, parse_metadata_date
from index.documents import RawDocument, Skipped

TEXT_SUFFIXES = {".txt"}
JSONL_SUFFIXES = {".jsonl"}
CORPUS_SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES
HTML_SUFFIXES = {".html", ".htm"}
METADATA_KEYS = {"title", "date", "url", "source", "lang"}

_DATE_HEADER = re.compile(r"\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)(?=\s|$)[ \t]*(.*)", re.IGNORECASE)
_FRONT_MATTER_LINE = re.compile(r"([A-Za-z_][\w-]*)\s*:\s*(.*)")
_MAX_FRONT_MATTER_LINES = 50
_BINARY_SAMPLE = 8192


def corpus_files(corpus: Path) -> Iterator[Path]:
    """Every regular file under `corpus` (sorted, hidden files and folders left out)."""
    for root, dirs, files in os.walk(corpus):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def document_id(corpus: Path, path: Path) -> str:
    """The stable id of a file: its path relative to the corpus, without suffix, `/`-separated."""
    return path.relative_to(corpus).with_suffix("").as_posix()


def read_corpus(corpus: Path) -> Iterator[RawDocument | Skipped]:
    """Yield a RawDocument for each usable article and a Skipped for each file or record that is not."""
    for path in corpus_files(corpus):
        yield from read_file(corpus, path)


def read_file(corpus: Path, path: Path) -> Iterator[RawDocument | Skipped]:
    """The articles of one corpus file (several for JSONL), or why it cannot be used."""
    rel = path.relative_to(corpus).as_posix()
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        yield Skipped(rel, "unsupported_type", "HTML pages are not read yet; save them as .txt or .jsonl")
        return
    if suffix not in CORPUS_SUFFIXES:
        yield Skipped(rel, "unsupported_type", f"{suffix or 'no suffix'} is not a corpus format (.txt, .jsonl)")
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Skipped(rel, "unreadable", exc.strerror or str(exc))
        return
    if suffix in JSONL_SUFFIXES:
        yield from _read_jsonl(rel, data)
    else:
        yield _read_text_file(corpus, path, rel, data)


def decode(data: bytes) -> tuple[str, list[str]]:
    """Decode UTF-8, falling back to cp1252 and then latin-1, with a warning for a fallback."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    for encoding in ("cp1252", "latin-1"):
        try:
            return data.decode(encoding), [f"not valid UTF-8; decoded as {encoding}"]
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte string")


def looks_binary(data: bytes) -> bool:
    """True for data that is not text: NUL bytes or many control characters."""
    sample = data[:_BINARY_SAMPLE]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(sample) * 0.05


def _read_text_file(corpus: Path, path: Path, rel: str, data: bytes) -> RawDocument | Skipped:
    if not data.strip():
        return Skipped(rel, "empty", "the file has no text")
    if looks_binary(data):
        return Skipped(rel, "binary", "the file is not text")
    text, warnings = decode(data)
    meta, body, meta_warnings = split_metadata(text)
    return _raw_document(document_id(corpus, path), body, rel, meta, warnings + meta_warnings)


def split_metadata(text: str) -> tuple[dict[str, object], str, list[str]]:
    """Separate front matter or a `date` header line from the page text."""
    meta: dict[str, object] = {}
    warnings: list[str] = []
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    if start < len(lines) and lines[start].strip() == "---":
        end = next(
            (
                i
                for i in range(start + 1, min(len(lines), start + 2 + _MAX_FRONT_MATTER_LINES))
                if lines[i].strip() == "---"
            ),
            None,
        )
        if end is not None and all(
            _FRONT_MATTER_LINE.fullmatch(line.strip()) or not line.strip()
            for line in lines[start + 1 : end]
        ):
            for line in lines[start + 1 : end]:
                m = _FRONT_MATTER_LINE.fullmatch(line.strip())
                if not m:
                    continue
                key, value = m.group(1).lower(), m.group(2).strip().strip("\"'")
                if key in METADATA_KEYS and value:
                    meta[key] = value
                elif key not in METADATA_KEYS:
                    warnings.append(f"front matter key {key!r} ignored")
            lines = lines[end + 1 :]
            start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    if start < len(lines):
        m = _DATE_HEADER.match(lines[start])
        if m:
            meta.setdefault("date", m.group(1))
            lines = lines[:start] + [m.group(2)] + lines[start + 1 :]
    return meta, "\n".join(lines), warnings


def _read_jsonl(rel: str, data: bytes) -> Iterator[RawDocument | Skipped]:
    text, warnings = decode(data)
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{rel}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Skipped(where, "invalid_json", exc.msg)
            continue
        if not isinstance(record, dict):
            yield Skipped(where, "invalid_json", "a record must be a JSON object")
            continue
        doc_id = record.get("id")
        if not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool) or not str(doc_id).strip():
            yield Skipped(where, "missing_id", "a record needs a non-empty string `id`")
            continue
        body = record.get("text") or record.get("html")
        if not isinstance(body, str) or not body.strip():
            yield Skipped(where, "empty", "the record has no `text` or `html`")
            continue
        meta = {k: record[k] for k in METADATA_KEYS if record.get(k) not in (None, "")}
        yield _raw_document(str(doc_id).strip(), body, where, meta, list(warnings))


def _raw_document(
    doc_id: str, body: str, where: str, meta: dict[str, object], warnings: list[str]
) -> RawDocument:
    date: PartialDate | None = None
    if "date" in meta:
        date = parse_metadata_date(meta["date"])
        if date is None:
            warnings.append(f"date {meta['date']!r} not understood")
    lang = meta.get("lang")
    return RawDocument(
        id=doc_id,
        text=body,
        source_path=where,
        title=_text_or_none(meta.get("title")),
        date=date,
        url=_text_or_none(meta.get("url")),
        source=_text_or_none(meta.get("source")),
        lang=str(lang).strip().lower() if lang else None,
        warnings=tuple(warnings),
    )


def _text_or_none(value: object) -> str | None:
    return str(value).strip() or None if value is not None else None
