"""Read a corpus folder into RawDocuments; report every file that cannot be used.

Formats (DESIGN.md §3): `.txt` pages with an optional `date` line or front matter, `.jsonl` records
(`text` or `html`), and `.html` pages, whose main text, title, date and URL trafilatura extracts.
Symlinks are followed; a broken one, a loop, a FIFO or device, an unreadable or oversized file is
reported with its reason, never read blindly.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from index.dates import PartialDate, date_from_html, parse_metadata_date
from index.documents import RawDocument, Skipped

TEXT_SUFFIXES = {".txt"}
JSONL_SUFFIXES = {".jsonl"}
HTML_SUFFIXES = {".html", ".htm"}
CORPUS_SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES | HTML_SUFFIXES
METADATA_KEYS = {"title", "date", "url", "source", "lang"}
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # what it cannot read is reported per file instead
MAX_PAGE_BYTES = 10 * 1024 * 1024  # a .txt or .html page, or one JSONL record; a JSONL file may be any size

_DATE_HEADER = re.compile(r"\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)(?=\s|$)[ \t]*(.*)", re.IGNORECASE)
_FRONT_MATTER_LINE = re.compile(r"([A-Za-z_][\w-]*)\s*:\s*(.*)")
_MAX_FRONT_MATTER_LINES = 50
_BINARY_SAMPLE = 8192


class CorpusFile(NamedTuple):
    """A regular file of the corpus: where it is (a plain string: a Path per file costs an incremental
    build of 100,000 files 0.4 s), its `/`-separated path relative to the corpus, and what tells
    that it changed."""

    path: str
    rel: str
    size: int
    mtime_ns: int


def corpus_files(corpus: Path) -> Iterator[CorpusFile | Skipped]:
    """Every regular file under `corpus` (sorted; hidden files and folders left out; symlinks
    followed), and a Skipped for each entry that cannot be one: a broken symlink, a symlink loop or
    a folder reached twice, a FIFO, socket or device, a folder that cannot be listed. One stat a
    file, no path arithmetic: an incremental build lists a corpus of 100,000 files each time."""
    yield from _walk(str(corpus), "", set())


def _walk(folder: str, rel: str, seen: set[tuple[int, int]]) -> Iterator[CorpusFile | Skipped]:
    try:
        info = os.stat(folder)
        if (info.st_dev, info.st_ino) in seen:
            yield Skipped(rel, "symlink_loop", "this folder was already read through another path (a symlink loop)")
            return
        seen.add((info.st_dev, info.st_ino))
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        yield Skipped(rel or ".", "unreadable", f"the folder cannot be listed: {exc.strerror or exc}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        child = f"{rel}/{entry.name}" if rel else entry.name
        try:
            info = entry.stat()  # follows symlinks
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                yield Skipped(child, "symlink_loop", "the symlink points back to itself")
            elif entry.is_symlink() and exc.errno == errno.ENOENT:
                yield Skipped(child, "broken_symlink", f"the symlink points to {os.readlink(entry.path)}, which does not exist")
            else:
                yield Skipped(child, "unreadable", exc.strerror or str(exc))
            continue
        if stat.S_ISDIR(info.st_mode):
            yield from _walk(entry.path, child, seen)
        elif stat.S_ISREG(info.st_mode):
            yield CorpusFile(entry.path, child, info.st_size, info.st_mtime_ns)
        else:
            yield Skipped(child, "not_a_file", "a FIFO, socket or device is not read")


def document_id(corpus: Path, path: Path) -> str:
    """The stable id of a file: its path relative to the corpus, without suffix, `/`-separated."""
    return path.relative_to(corpus).with_suffix("").as_posix()


def read_corpus(corpus: Path) -> Iterator[RawDocument | Skipped]:
    """Yield a RawDocument for each usable article and a Skipped for each file or record that is not."""
    for entry in corpus_files(corpus):
        yield from [entry] if isinstance(entry, Skipped) else read_file(corpus, Path(entry.path))


def read_file(corpus: Path, path: Path, part: tuple[int, int] = (0, 1)) -> Iterator[RawDocument | Skipped]:
    """The articles of one corpus file (several for JSONL), or why it cannot be used. `part` (k, n):
    of a JSONL file's records only every n-th from the k-th, so that n processes can share a big file;
    any other file is all in part 0."""
    rel = path.relative_to(corpus).as_posix()
    suffix = path.suffix.lower()
    if part[0] and suffix not in JSONL_SUFFIXES:
        return
    if suffix not in CORPUS_SUFFIXES:
        yield Skipped(rel, "unsupported_type", f"{suffix or 'no suffix'} is not a corpus format (.txt, .jsonl, .html)")
        return
    try:
        if suffix in JSONL_SUFFIXES:
            yield from _read_jsonl(rel, path, *part)
            return
        size = path.stat().st_size
        if size > MAX_PAGE_BYTES:
            yield Skipped(rel, "too_large", f"{size / 2**20:.1f} MiB; a page may have at most {MAX_PAGE_BYTES // 2**20} MiB")
            return
        data = path.read_bytes()
    except OSError as exc:
        yield Skipped(rel, "unreadable", exc.strerror or str(exc))
        return
    if suffix in HTML_SUFFIXES:
        yield _read_html(document_id(corpus, path), rel, data)
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


def _read_jsonl(rel: str, path: Path, part: int = 0, parts: int = 1) -> Iterator[RawDocument | Skipped]:
    """The records of a JSONL file, read line by line (a file of any size); of its non-blank lines
    only every `parts`-th from the `part`-th."""
    with path.open("rb") as fh:
        if looks_binary(fh.read(_BINARY_SAMPLE)):
            if not part:
                yield Skipped(rel, "binary", "the file is not text")
            return
        fh.seek(0)
        record = -1
        for lineno, raw_line in enumerate(fh, start=1):
            if not raw_line.strip():
                continue
            record += 1
            if record % parts != part:
                continue
            where = f"{rel}:{lineno}"
            if len(raw_line) > MAX_PAGE_BYTES:
                yield Skipped(where, "too_large", f"a record may have at most {MAX_PAGE_BYTES // 2**20} MiB")
                continue
            yield _record(where, *decode(raw_line))


def _record(where: str, line: str, warnings: list[str]) -> RawDocument | Skipped:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return Skipped(where, "invalid_json", exc.msg)
    if not isinstance(record, dict):
        return Skipped(where, "invalid_json", "a record must be a JSON object")
    doc_id = record.get("id")
    if not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool) or not str(doc_id).strip():
        return Skipped(where, "missing_id", "a record needs a non-empty string `id`")
    meta = {k: record[k] for k in METADATA_KEYS if record.get(k) not in (None, "")}
    text, html = record.get("text"), record.get("html")
    if isinstance(text, str) and text.strip():
        return _raw_document(str(doc_id).strip(), text, where, meta, warnings)
    if isinstance(html, str) and html.strip():
        return _read_html(str(doc_id).strip(), where, html, meta, warnings)
    return Skipped(where, "empty", "the record has no `text` or `html`")


def _read_html(doc_id: str, where: str, html: bytes | str, meta: dict | None = None, warnings: list[str] | None = None) -> RawDocument | Skipped:
    """A page's main text and metadata through trafilatura; metadata given beside it wins."""
    import trafilatura  # here: a corpus without HTML pages builds without loading it (0.15 s)

    if not html.strip():
        return Skipped(where, "empty", "the page has no content")
    if isinstance(html, bytes) and looks_binary(html):
        return Skipped(where, "binary", "the file is not text")
    try:
        page = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=False, date_extraction_params={"extensive_search": False}
        )
    except Exception as exc:  # the extractor's own fault must not end the build
        return Skipped(where, "unreadable", f"the HTML could not be parsed: {type(exc).__name__}: {exc}")
    warnings = list(warnings or [])
    if page is None or not (page.text or "").strip():
        # A fragment (`<p>…</p>`) or a page the extractor cannot read: the cleaner, which strips
        # markup, gets all of it rather than losing the document.
        text = html if isinstance(html, str) else decode(html)[0]
        return _raw_document(doc_id, text, where, meta or {}, warnings + ["the HTML extractor found no main text; the whole markup was cleaned"])
    # the date from the page's own metadata only: the extractor's would also take a copyright or
    # last-modified year, and give it a day it never had
    found = {"title": page.title, "date": date_from_html(html), "url": page.url, "source": page.sitename}
    merged = {k: v for k, v in found.items() if v} | (meta or {})
    return _raw_document(doc_id, page.text, where, merged, warnings)


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
