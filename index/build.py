"""Corpus folder -> a new index generation, switched to atomically; the build report."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.index import create_in

from index import store
from index.actors import Gazetteer, load_gazetteer
from index.boilerplate import Rules, load_rules
from index.clean import clean, has_article_text, line_keys
from index.dates import date_from_timestamps
from index.documents import CleanDocument, RawDocument, Skipped
from index.language import identify
from index.repeated import NO_REPEATED_LINES, LineCounter, RepeatedLines
from index.schema import (
    ACTOR_TERMS_FIELD,
    ACTORS_FIELD,
    DATE_FIELD,
    ID_FIELD,
    LANG_FIELD,
    actor_term,
    make_schema,
    text_field,
    title_field,
    words_field,
)
from index.sources import corpus_files, read_file

log = logging.getLogger(__name__)

WRITER_MEMORY_MB = 256
KEEP_GENERATIONS = 2  # the live one and the previous one, for rollback

Progress = Callable[[int, int, int], None]  # (files done, files in all, documents indexed)


class BuildError(RuntimeError):
    """A build that could not produce a generation; the live generation is untouched."""


@dataclass
class BuildReport:
    generation: str
    corpus: str
    started: float
    seconds: float = 0.0
    files: int = 0
    documents: int = 0
    languages: Counter = field(default_factory=Counter)
    skipped: list[Skipped] = field(default_factory=list)
    removed: Counter = field(default_factory=Counter)
    actors: Counter = field(default_factory=Counter)  # documents per actor
    warnings: list[tuple[str, str]] = field(default_factory=list)
    dated: int = 0
    repeated_lines: int = 0  # distinct lines the corpus repeats across articles

    def to_dict(self) -> dict:
        return {
            "generation": self.generation,
            "corpus": self.corpus,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.started)),
            "seconds": round(self.seconds, 3),
            "files": self.files,
            "documents": self.documents,
            "dated": self.dated,
            "languages": dict(self.languages.most_common()),
            "skipped": [{"source": s.source, "reason": s.reason, "detail": s.detail} for s in self.skipped],
            "removed": dict(self.removed.most_common()),
            "repeated_lines": self.repeated_lines,
            "actors": dict(self.actors.most_common()),
            "warnings": [{"source": src, "message": msg} for src, msg in self.warnings],
        }


def measure_corpus(corpus: Path, rules: Rules, files: list[Path] | None = None) -> RepeatedLines:
    """The lines `corpus` repeats across different articles: one reading pass before any cleaning."""
    counter = LineCounter()
    for path in corpus_files(corpus) if files is None else files:
        for item in read_file(corpus, path):
            if isinstance(item, RawDocument):
                counter.add(line_keys(item.text, rules))
    return counter.result()


def prepare(
    raw: RawDocument, gazetteer: Gazetteer, rules: Rules, repeated: RepeatedLines = NO_REPEATED_LINES
) -> CleanDocument | Skipped:
    """Clean and understand one raw article: boilerplate, title, language, date, actors."""
    doc = clean(raw, rules, repeated)
    if not has_article_text(doc.paragraphs):
        kinds = ", ".join(sorted({r.reason for r in doc.removed})) or "nothing"
        return Skipped(raw.source_path, "no_text", f"no article text left after cleaning (removed: {kinds})")
    doc.lang = identify("\n".join(doc.content), raw.lang)
    if doc.date is None:
        doc.date = date_from_timestamps([r.text for r in doc.removed if r.reason == "timestamp"])
    doc.actors = gazetteer.count(doc.content)
    return doc


def index_fields(doc: CleanDocument) -> dict:
    """The Whoosh fields of one document."""
    fields = {
        ID_FIELD: doc.id,
        LANG_FIELD: doc.lang,
        ACTORS_FIELD: " ".join(m.id for m in doc.actors),
        ACTOR_TERMS_FIELD: " ".join(" ".join([actor_term(doc.lang, m.id)] * m.count) for m in doc.actors),
        title_field(doc.lang): doc.title or "",
        text_field(doc.lang): doc.text,
        words_field(doc.lang): "\n".join(doc.content),
        "title": doc.title,
        "text": doc.text,
        "url": doc.url,
        "source": doc.source,
        "source_path": doc.source_path,
        "actor_mentions": [(m.id, m.count) for m in doc.actors],
        "removed": [(r.text, r.reason) for r in doc.removed],
    }
    if doc.date is not None:
        fields[DATE_FIELD] = str(doc.date)
    return fields


def build(
    corpus: Path,
    index_dir: Path,
    *,
    actors_file: str | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """Build a complete new generation from `corpus` and make it live.

    The live generation is never touched: a failed build leaves it serving. Raises BuildError when
    the corpus cannot be read or nothing could be indexed, store.BuildLocked when a build is running.
    """
    if not corpus.is_dir():
        raise BuildError(f"corpus folder {corpus} does not exist or is not a folder")
    gazetteer = load_gazetteer(actors_file)
    rules = load_rules()
    with store.build_lock(index_dir):
        generation = store.new_generation(index_dir)
        report = BuildReport(generation=generation.name, corpus=str(corpus), started=time.time())
        try:
            _write(corpus, generation, report, gazetteer, rules, progress)
        except BaseException:
            store.discard(generation)
            raise
        report.seconds = time.time() - report.started
        if report.documents == 0:
            store.discard(generation)
            reasons = Counter(s.reason for s in report.skipped)
            detail = ", ".join(f"{n} {r}" for r, n in reasons.most_common()) or "no corpus files"
            raise BuildError(f"nothing could be indexed from {corpus} ({detail})")
        store.finish(generation, report.to_dict())
        store.switch(index_dir, generation.name)
        store.prune(index_dir, KEEP_GENERATIONS)
    return report


def _add(
    item: RawDocument | Skipped,
    writer,
    report: BuildReport,
    seen_ids: dict[str, str],
    gazetteer: Gazetteer,
    rules: Rules,
    repeated: RepeatedLines,
) -> None:
    if isinstance(item, Skipped):
        report.skipped.append(item)
        return
    report.warnings += [(item.source_path, w) for w in item.warnings]
    if item.id in seen_ids:
        report.skipped.append(Skipped(item.source_path, "duplicate_id", f"id {item.id!r} is also {seen_ids[item.id]}"))
        return
    try:
        doc = prepare(item, gazetteer, rules, repeated)
    except Exception as exc:  # one bad document must not end the build
        log.exception("failed to process %s", item.source_path)
        report.skipped.append(Skipped(item.source_path, "error", f"{type(exc).__name__}: {exc}"))
        return
    if isinstance(doc, Skipped):
        report.skipped.append(doc)
        return
    seen_ids[doc.id] = doc.source_path
    writer.add_document(**index_fields(doc))
    report.documents += 1
    report.languages[doc.lang] += 1
    report.dated += doc.date is not None
    report.removed.update(r.reason for r in doc.removed)
    report.actors.update(m.id for m in doc.actors)


def _write(
    corpus: Path,
    generation: Path,
    report: BuildReport,
    gazetteer: Gazetteer,
    rules: Rules,
    progress: Progress | None,
) -> None:
    files = list(corpus_files(corpus))
    repeated = measure_corpus(corpus, rules, files)
    report.repeated_lines = len(repeated)
    ix = create_in(str(generation), make_schema())
    writer = ix.writer(limitmb=WRITER_MEMORY_MB, compound=False)
    seen_ids: dict[str, str] = {}
    try:
        for number, path in enumerate(files, start=1):
            for item in read_file(corpus, path):
                _add(item, writer, report, seen_ids, gazetteer, rules, repeated)
            report.files = number
            if progress:
                progress(number, len(files), report.documents)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
