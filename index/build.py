"""Corpus folder -> a new index generation, switched to atomically; the build report."""

from __future__ import annotations

import ctypes
import gc
import logging
import multiprocessing
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from whoosh.index import create_in, open_dir

from index import compounds, duplicates, language, letters, manifest, postings, store
from index.actors import Gazetteer, load_gazetteer
from index.clean import clean, line_keys, model_for
from index.clean.model import LineModel
from index.clean.rules import Rules, load_rules
from index.bulk_writer import BulkWriter, Segments
from index.codec import WritingCodec
from index.dates import date_from_timestamps
from index.documents import CleanDocument, RawDocument, Skipped
from index.language import identify
from index.opensearch import TargetError, concrete_index
from index.repeated import NO_REPEATED_LINES, LineCounter, LineHashes, RepeatedLines
from index.schema import ID_FIELD, make_schema
from index.sinks import ToCluster, ToSegments
from index.sources import corpus_files, read_file

if TYPE_CHECKING:  # the OpenSearch client loads only for a build that uses it
    from index.opensearch.target import OpenSearchTarget

log = logging.getLogger(__name__)

WRITER_MEMORY_MB = 256
KEEP_GENERATIONS = 2  # the live one and the previous one, for rollback
PROCESSES = min(os.cpu_count() or 1, 4)  # cleaning and analysing workers
PARALLEL_FROM = 500  # articles to read: below this, one process is quicker than starting others
PART_ARTICLES = 250  # a JSON Lines file of more articles is shared out among the workers in parts of about this many
SURVEY_PARALLEL_FROM = 12_000_000  # bytes to survey (checksum, line hashes: about 0.35 ms an article of 3 KB): below this, likewise

Progress = Callable[[int, int, int], None]  # (files done, files in all, documents indexed)
_PR_SET_PDEATHSIG = 1


def _die_with_the_build() -> None:
    """In a process a parallel build forks (its cleaning workers): die when the
    build dies. They inherit its build lock at fork, and a build killed with -9 must not leave them
    holding it."""
    if _forking_workers:
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


_forking_workers = False
if sys.platform == "linux":
    os.register_at_fork(after_in_child=_die_with_the_build)


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
    mode: str = "full"  # or "incremental"
    files_read: int = 0  # files read, cleaned and indexed by this build
    files_new: int = 0
    files_changed: int = 0
    files_deleted: int = 0
    files_recleaned: int = 0  # unchanged, but a line of theirs became repeated or stopped being so
    near_duplicates: int = 0  # documents in a group of near-duplicates

    def to_dict(self) -> dict:
        return {
            "generation": self.generation,
            "corpus": self.corpus,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.started)),
            "seconds": round(self.seconds, 3),
            "files": self.files,
            "mode": self.mode,
            "files_read": self.files_read,
            "files_new": self.files_new,
            "files_changed": self.files_changed,
            "files_deleted": self.files_deleted,
            "files_recleaned": self.files_recleaned,
            "documents": self.documents,
            "dated": self.dated,
            "near_duplicates": self.near_duplicates,
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
    paths = (Path(f.path) for f in corpus_files(corpus) if not isinstance(f, Skipped)) if files is None else files
    for path in paths:
        for lines in _line_hashes(corpus, path, rules):
            counter.add(lines)
    return counter.result()


def _line_hashes(corpus: Path, path: Path, rules: Rules) -> list[LineHashes]:
    return [LineHashes.of(line_keys(item.text, rules)) for item in read_file(corpus, path) if isinstance(item, RawDocument)]


def prepare(
    raw: RawDocument, gazetteer: Gazetteer, rules: Rules, repeated: RepeatedLines = NO_REPEATED_LINES, model: LineModel | bool | None = None
) -> CleanDocument | Skipped:
    """Clean and understand one raw article: boilerplate, title, language, date, actors."""
    doc = clean(raw, rules, repeated, model)
    if doc.no_article:
        return Skipped(raw.source_path, "no_text", f"no article text: {doc.no_article}")
    doc.lang = identify("\n".join(doc.content), raw.lang)
    if doc.date is None:
        doc.date = date_from_timestamps([r.text for r in doc.removed if r.reason == "timestamp"])
    doc.actors = gazetteer.count(doc.content)
    return doc


def build(
    corpus: Path,
    index_dir: Path,
    *,
    actors_file: str | None = None,
    rules_dir: Path | None = None,
    cleaner_model: str | None = None,
    progress: Progress | None = None,
    full: bool = False,
    target: OpenSearchTarget | None = None,
) -> BuildReport:
    """Build a new generation from `corpus` and make it live.

    Incremental unless `full`: only new, changed and deleted files are processed (by size and mtime,
    then SHA-256), and the files whose cleaning the corpus's repeated lines now decide differently;
    the rest is carried over from the live generation. Any change to the code, rules or gazetteer
    makes the build full. The live generation is never touched: a failed or killed build leaves it
    serving, and the next build removes what it left. Raises BuildError when the corpus cannot be
    read or nothing could be indexed, store.BuildLocked when a build is running.

    With an OpenSearch `target`, the documents go to a new index on the cluster and the index folder
    keeps the rest (manifest, duplicate groups, report); the alias moves only when every document
    is on the cluster, and a cluster that cannot be reached fails the build before anything is done.
    """
    if not corpus.is_dir():
        raise BuildError(f"corpus folder {corpus} does not exist or is not a folder")
    try:
        if target is not None:
            target.check()
        return _build(corpus, index_dir, actors_file, rules_dir, cleaner_model, progress, full, target)
    except TargetError as exc:
        raise BuildError(str(exc)) from None


def _build(corpus, index_dir, actors_file, rules_dir, cleaner_model, progress, full, target) -> BuildReport:
    gazetteer = load_gazetteer(actors_file)
    rules = load_rules(*([rules_dir] if rules_dir else []))
    model = model_for(cleaner_model)
    pipeline = manifest.fingerprint(actors_file, rules_dir, cleaner_model)
    if target is not None:  # an incremental build carries over the live generation of the same backend only
        pipeline += f" opensearch {target.alias}"
    with store.build_lock(index_dir), _recorded(index_dir) as outcome:
        try:
            store.prune(index_dir, KEEP_GENERATIONS)  # what a killed build left
            live = store.current_name(index_dir)
            live_dir = live and store.generations_dir(index_dir) / live
            with _gc_paused():
                previous = None if full or not live_dir else manifest.load(live_dir)
            if previous is not None and previous.fingerprint != pipeline:
                previous = None
            if previous is not None and target is not None and target.live() != concrete_index(target.alias, live):
                previous = None  # the alias was moved by someone else: start over
            generation = store.new_generation(index_dir)
            report = BuildReport(generation=generation.name, corpus=str(corpus), started=time.time())
            report.mode = "full" if previous is None else "incremental"
            run = _Build(corpus, generation, report, gazetteer, rules, model, previous, pipeline, target)
            try:
                run.run(live_dir, progress)
                report.seconds = time.time() - report.started
                if report.documents == 0:
                    reasons = Counter(s.reason for s in report.skipped)
                    detail = ", ".join(f"{n} {r}" for r, n in reasons.most_common()) or "no corpus files"
                    raise BuildError(f"nothing could be indexed from {corpus} ({detail})")
                store.finish(generation, report.to_dict(), live_dir if previous is not None else None)
                if target is not None:
                    before = store.read_duplicates(live_dir) if previous is not None else []
                    target.publish(generation.name, run.writer, report.to_dict(), run.ids(), run.groups, before)
            except BaseException:
                store.discard(generation)
                if target is not None:
                    target.discard(generation.name)
                raise
            store.switch(index_dir, generation.name)
            store.prune(index_dir, KEEP_GENERATIONS)
            if target is not None:
                target.prune({p.name for p in store.generations_dir(index_dir).iterdir() if p.is_dir()})
            outcome["generation"] = generation.name
        finally:
            gc.unfreeze()  # what _gc_paused froze: a build in a long-running process leaves nothing frozen
    return report


@contextmanager
def _recorded(index_dir: Path):
    """Record how the build under the lock ended (`store.LAST_BUILD`): succeeded or failed and why,
    when, how long it took; the server's metrics report it."""
    started = time.time()
    outcome: dict = {}
    try:
        yield outcome
        outcome["outcome"] = "succeeded"
    except BaseException as exc:
        outcome |= {"outcome": "failed", "error": f"{type(exc).__name__}: {exc}"[:500]}
        raise
    finally:
        finished = time.time()
        store.write_last_build(index_dir, outcome | {"finished_at": finished, "seconds": round(finished - started, 3)})


@contextmanager
def _gc_paused():
    """Python's cycle collector off while a phase makes 100,000s of objects that are no garbage (a
    manifest's records), and those objects then frozen out of its generations (`gc.freeze`): each
    full collection would walk them all again, which took a quarter of an incremental build at
    100,000 files. Reference counting still frees what is dropped; `build` unfreezes at its end."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


class _Build:
    """One build: plan what to read from the corpus listing and the previous manifest, count the
    repeated lines over every article, write the generation, and keep its manifest."""

    def __init__(self, corpus, generation, report, gazetteer, rules, model, previous, pipeline, target=None) -> None:
        self.corpus, self.generation, self.report = corpus, generation, report
        self.gazetteer, self.rules, self.model, self.previous, self.fingerprint = gazetteer, rules, model, previous, pipeline
        self.target = target
        self.order: list[str] = []  # every corpus file the new manifest keeps, in corpus order
        self.carried: dict[str, dict] = {}  # the unchanged ones: their entries in the previous manifest
        self.read: dict[str, manifest.FileRecord] = {}  # the others: read, cleaned and indexed by this build
        self.todo: dict[str, Path] = {}  # ... from these paths
        self.writer = None
        self.kept: manifest.Manifest | None = None  # the new manifest
        self.groups: list[list[str]] = []  # near-duplicate groups of document ids

    def run(self, live: Path | None, progress: Progress | None) -> None:
        with _gc_paused():
            self._plan()
        carried = self._carried()
        repeated = self._count_lines(carried)
        self.report.repeated_lines = len(repeated)
        if self._reclean(repeated, carried):
            carried = self._carried()
        self._write(live, repeated, progress)
        with _gc_paused():
            kept = carried.extended(self.fingerprint, repeated.hashes, self.read)
            del carried  # each copy of the arrays is some 700 MB at 1,000,000 articles
            kept = self.kept = kept.select({rel: kept.entries[rel] for rel in self.order})
            manifest.save(self.generation, kept)
            self.groups = duplicates.groups(kept.ids(), kept.signatures())
            store.write_duplicates(self.generation, self.groups)
            self.report.near_duplicates = sum(len(g) for g in self.groups)
            self._summarise()

    def _carried(self) -> manifest.Manifest:
        """The previous manifest's unchanged files."""
        return self.previous.select(self.carried) if self.previous else manifest.Manifest.empty()

    def _write(self, live: Path | None, repeated: RepeatedLines, progress: Progress | None) -> None:
        if _parallel(self._articles()):  # loaded once here, the workers share them; else each loads its own
            compounds.load()
            letters.load()
            language.load()
        if self.target is not None:
            writer = self.target.open(self.generation.name, self.previous is not None, [doc.id for doc in self._stale()])
            sink = ToCluster(writer)
        else:
            writer = self._writer(live)
            sink = ToSegments(writer, Segments(self.generation, writer.schema))
        self.writer = writer
        try:
            self._index(sink, repeated, progress)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        if self.target is None:
            postings.write_missing(self.generation)

    def _articles(self) -> int:
        """The articles in the files to read, as the survey counted them (a file with none counts one)."""
        return sum(len(self.read[rel].lines) or 1 for rel in self.todo)

    def _stale(self) -> list[manifest.DocSummary]:
        """The live generation's documents from files that changed or are gone."""
        if self.previous is None:
            return []
        return [doc for rel in self.previous.entries if rel not in self.carried for doc in self.previous.docs(rel)]

    def ids(self) -> set[str]:
        """Every document of the new generation."""
        return set(self.kept.ids())

    def _plan(self) -> None:
        """Every corpus file; a record for each, carried over when unchanged, else to be read. A file
        whose size or mtime differs is surveyed (`_Survey`: checksummed, and its lines hashed when its
        content changed) in the workers when they are many bytes."""
        old = self.previous.entries if self.previous else {}
        listed, unsure, size = [], {}, 0
        for entry in corpus_files(self.corpus):
            if isinstance(entry, Skipped):
                self.report.skipped.append(entry)
                continue
            before = old.get(entry.rel)
            keep = None if before is None or _held_duplicate(before) else before  # an entry that may be carried over
            listed.append((entry, keep))
            if not (keep and (keep["size"], keep["mtime_ns"]) == (entry.size, entry.mtime_ns)):
                unsure[entry.rel] = (entry.path, keep and keep["sha256"])
                size += entry.size
        survey = _Survey(self.corpus, self.rules)
        with _workers(survey, size, SURVEY_PARALLEL_FROM) as pool:  # by bytes: a JSON Lines file holds many articles
            items = list(unsure.values())
            surveyed = dict(zip(unsure, pool.map(_in_worker, items, chunksize=16) if pool else map(survey, items)))
        for entry, keep in listed:
            rel = entry.rel
            digest, lines = surveyed.get(rel, (keep and keep["sha256"], None))
            if digest is None:
                self.report.skipped.append(Skipped(rel, "unreadable", lines))
                continue
            self.order.append(rel)
            if lines is None:  # the content is unchanged: its entry carries over
                self.carried[rel] = keep if keep["mtime_ns"] == entry.mtime_ns else keep | {"size": entry.size, "mtime_ns": entry.mtime_ns}
            else:
                self.read[rel] = manifest.FileRecord(entry.size, entry.mtime_ns, digest, lines=lines)
                self.todo[rel] = Path(entry.path)
        self.report.files = len(self.order)
        self.report.files_new = sum(rel not in old for rel in self.todo)
        self.report.files_changed = len(self.todo) - self.report.files_new
        self.report.files_deleted = sum(rel not in self.carried and rel not in self.read for rel in old)

    def _count_lines(self, carried: manifest.Manifest) -> RepeatedLines:
        counter = LineCounter()
        counter.add_many(*carried.line_hashes())
        counter.add_many(*manifest.line_hashes(list(self.read.values())))
        return counter.result()

    def _reclean(self, repeated: RepeatedLines, carried: manifest.Manifest) -> bool:
        """Unchanged files with a line that became repeated or stopped being so are cleaned again;
        whether there are any."""
        if self.previous is None:
            return False
        flipped = np.array(sorted(repeated.hashes ^ self.previous.repeated), dtype=np.int64)
        if not len(flipped):
            return False
        for rel in carried.holding(flipped):
            self.read[rel] = self.previous.select({rel: self.carried.pop(rel)}).record(rel)
            self.todo[rel] = self.corpus / rel
            self.report.files_recleaned += 1
        return self.report.files_recleaned > 0

    def _writer(self, live: Path | None) -> BulkWriter:
        options = {"limitmb": WRITER_MEMORY_MB, "compound": False, "codec": WritingCodec()}
        if self.previous is None:
            return BulkWriter(create_in(str(self.generation), make_schema()), **options)
        store.link_index(live, self.generation, skip=manifest.FILES)
        writer = BulkWriter(open_dir(str(self.generation)), **options)
        with writer.searcher() as searcher:  # Whoosh opens a searcher per deletion unless given one
            places = _Places(writer, searcher)
            for doc in self._stale():
                if not places.delete(doc):
                    writer.delete_by_term(ID_FIELD, doc.id, searcher=searcher)
        return writer

    def _index(self, sink: ToCluster | ToSegments, repeated: RepeatedLines, progress: Progress | None) -> None:
        """Clean, understand and analyse the files to read (in worker processes when there are many),
        and take their documents in corpus order, so the first of two equal ids is the one kept."""
        seen_ids = {doc["id"]: rel for rel, entry in self.carried.items() for doc in entry["docs"]}
        understanding = _Understanding(self.corpus, self.gazetteer, self.rules, repeated, self.model, sink)
        parts = {rel: -(-len(self.read[rel].lines) // PART_ARTICLES) or 1 for rel in self.todo}  # articles counted by the survey
        tasks = [(path, k, parts[rel]) for rel, path in self.todo.items() for k in range(parts[rel])]
        with _workers(understanding, self._articles()) as pool:
            results = pool.map(_in_worker, tasks, chunksize=4) if pool else map(understanding, tasks)
            for done, rel in enumerate(self.todo, 1):
                record = self.read[rel] = replace(self.read[rel], docs=[], skipped=[], warnings=[])  # the previous build's stays as it was
                for outcome in _interleaved([next(results) for _ in range(parts[rel])]):
                    _add(outcome, sink, record, seen_ids)
                if progress:
                    progress(done, len(self.todo), len(seen_ids))
            # Each process finishes what it gathered; the barrier holds each task until all have begun, so each runs in its own worker.
            sink.adopt(list(pool.map(_finish_in_worker, range(PROCESSES))) if pool is not None else [understanding.finish()])

    def _summarise(self) -> None:
        """The report's totals, over the whole corpus: the files read now and those carried over."""
        report = self.report
        for entry in self.kept.entries.values():
            report.skipped += [Skipped(*s) for s in entry["skipped"]]
            report.warnings += [tuple(w) for w in entry["warnings"]]
            for doc in entry["docs"]:
                report.documents += 1
                report.languages[doc["lang"]] += 1
                report.dated += doc["dated"]
                report.removed.update(doc["removed"])
                report.actors.update(doc["actors"])
        report.files_read = len(self.todo)


class _Places:
    """Deletes a document where the manifest says the build that wrote it put it (no segment is
    ever rewritten), once its id there is checked. Whoosh's `delete_by_term` looks the id up in every
    segment's term table: at 43 segments, 1,000 deletions took 2.8 s."""

    def __init__(self, writer: BulkWriter, searcher) -> None:
        self.searcher = searcher
        segments = {segment.segment_id(): segment for segment in writer.segments}
        self.places = {leaf.segment().segment_id(): (segments.get(leaf.segment().segment_id()), offset) for leaf, offset in searcher.reader().leaf_readers()}

    def delete(self, doc: manifest.DocSummary) -> bool:
        """Whether it was found there and deleted."""
        segment, offset = self.places.get(doc.where[0], (None, 0)) if doc.where else (None, 0)
        if segment is None or not 0 <= doc.where[1] < segment.doc_count_all():
            return False
        if self.searcher.stored_fields(offset + doc.where[1]).get(ID_FIELD) != doc.id:
            return False
        segment.delete_document(doc.where[1])
        return True


@dataclass
class _Outcome:
    """What reading and understanding one raw document gave: the document, or why it is skipped."""

    id: str
    source_path: str
    warnings: list[str]
    result: CleanDocument | Skipped
    minhash: np.ndarray | None = None  # the document's near-duplicate signature
    body: object = None  # what the sink made of the document: where it was written (Whoosh), or the body to send (OpenSearch)


class _Understanding:
    """Read a corpus file and prepare each of its documents; one bad document ends nothing. Each is
    analysed for the target here too (`sink`: in the worker processes of a parallel build)."""

    def __init__(
        self, corpus: Path, gazetteer: Gazetteer, rules: Rules, repeated: RepeatedLines, model: LineModel | bool, sink: ToCluster | ToSegments,
    ) -> None:
        self.corpus, self.gazetteer, self.rules, self.repeated, self.model = corpus, gazetteer, rules, repeated, model
        self.sink = sink

    def finish(self) -> list:
        return self.sink.finish()

    def __call__(self, task: tuple[Path, int, int]) -> list[_Outcome | Skipped]:
        """Each document of one file's part (path, k, n; see `read_file`): prepared and analysed, or
        why it is skipped."""
        path, *part = task
        return [self._one(item) if isinstance(item, RawDocument) else item for item in read_file(self.corpus, path, tuple(part))]

    def _one(self, raw: RawDocument) -> _Outcome:
        try:
            result = prepare(raw, self.gazetteer, self.rules, self.repeated, self.model)
            body = self.sink.analyse(result) if isinstance(result, CleanDocument) else None
        except Exception as exc:
            log.exception("failed to process %s", raw.source_path)
            result = Skipped(raw.source_path, "error", f"{type(exc).__name__}: {exc}")
        if not isinstance(result, CleanDocument):
            return _Outcome(raw.id, raw.source_path, raw.warnings, result)
        return _Outcome(raw.id, raw.source_path, raw.warnings, result, duplicates.signature("\n".join(result.content)), body)


class _Survey:
    """A corpus file whose size or mtime changed: its SHA-256 and, unless that is `known` (the
    content is unchanged), the line hashes of its raw articles; (None, why) when it cannot be read."""

    def __init__(self, corpus: Path, rules: Rules) -> None:
        self.corpus, self.rules = corpus, rules

    def __call__(self, item: tuple[str, str | None]) -> tuple[str | None, list[LineHashes] | str | None]:
        path, known = item
        try:
            digest = manifest.file_hash(path)
        except OSError as exc:
            return None, exc.strerror or str(exc)
        return digest, None if digest == known else _line_hashes(self.corpus, Path(path), self.rules)


def _interleaved(parts: list[list]) -> list:
    """A file's outcomes in file order from its parts (the k-th holds every n-th from the k-th); a skip
    every part gave (the file could not be read) once."""
    merged, skips = [], set()
    for round_ in range(max(map(len, parts))):
        for outcomes in parts:
            if round_ >= len(outcomes):
                continue
            outcome = outcomes[round_]
            if isinstance(outcome, Skipped):
                if outcome in skips:
                    continue
                skips.add(outcome)
            merged.append(outcome)
    return merged


def _held_duplicate(entry: dict) -> bool:
    """Whether a file's document was left out as another file's id (its manifest entry says): it is
    read again, in case that file is gone."""
    return any(s[1] == "duplicate_id" for s in entry["skipped"])


def _parallel(work: int, least: int | None = None) -> bool:
    return PROCESSES > 1 and work >= (PARALLEL_FROM if least is None else least)


@contextmanager
def _workers(state: Callable, work: int, least: int | None = None):
    """PROCESSES worker processes forked with `state` (`_worker` in each), or None when the `work`
    (articles, or bytes) is less than `least` (PARALLEL_FROM) and not worth them: the caller then
    does it itself. A worker that dies fails the build (BrokenProcessPool), never hangs it."""
    global _forking_workers
    if not _parallel(work, least):
        yield None
        return
    context = multiprocessing.get_context("fork")
    _forking_workers = True
    pool = ProcessPoolExecutor(PROCESSES, mp_context=context, initializer=_start_worker, initargs=(state, context.Barrier(PROCESSES)))
    try:
        yield pool
    finally:
        pool.shutdown(cancel_futures=True)
        _forking_workers = False


_worker: Callable | None = None  # in a worker process: inherited from the build at fork
_barrier = None
FINISH_SECONDS = 3600  # a worker waits this long at most for the others to finish too


def _start_worker(state: Callable, barrier) -> None:
    global _worker, _barrier
    _worker, _barrier = state, barrier


def _in_worker(item):
    return _worker(item)


def _finish_in_worker(_: int) -> list:
    finished = _worker.finish()
    _barrier.wait(FINISH_SECONDS)
    return finished


def _add(outcome: _Outcome | Skipped, sink: ToCluster | ToSegments, record: manifest.FileRecord, seen_ids: dict[str, str]) -> None:
    if isinstance(outcome, Skipped):
        record.skipped.append((outcome.source, outcome.reason, outcome.detail))
        return
    record.warnings += [(outcome.source_path, w) for w in outcome.warnings]
    if outcome.id in seen_ids:
        record.skipped.append((outcome.source_path, "duplicate_id", f"id {outcome.id!r} is also {seen_ids[outcome.id]}"))
        if outcome.body is not None:
            sink.discard(outcome.body)
        return
    doc = outcome.result
    if isinstance(doc, Skipped):
        record.skipped.append((doc.source, doc.reason, doc.detail))
        return
    seen_ids[doc.id] = doc.source_path
    sink.add(doc, outcome.body)
    record.docs.append(
        manifest.DocSummary(
            id=doc.id,
            lang=doc.lang,
            dated=doc.date is not None,
            actors=[m.id for m in doc.actors],
            removed=dict(Counter(r.reason for r in doc.removed)),
            where=sink.where(outcome.body),
            minhash=outcome.minhash,
        )
    )
