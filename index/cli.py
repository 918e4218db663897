"""`newsfacet-index`: rebuild the index from a corpus folder, with progress and a summary."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

from tqdm import tqdm

from index import store
from index.build import BuildError, BuildReport, build
from index.language import LANGUAGES
from index.opensearch import TargetError
from index.settings import Settings

EXIT_FAILED = 1  # nothing indexed, unreadable corpus, or a fault
LIST_LIMIT = 20


class ProgressLine:
    """Build progress on stderr through tqdm: a bar with rate and time left on a terminal (shown once
    a build has run `delay` seconds), otherwise tqdm's meter as a plain line every `every` seconds."""

    FORMAT = "{desc}: {n_fmt}/{total_fmt} files ({percentage:.0f}%){postfix} [{elapsed}<{remaining}, {rate_fmt}]"

    def __init__(self, stream=sys.stderr, delay: float = 2.0, every: float = 5.0) -> None:
        self.stream, self.delay, self.every = stream, delay, every
        self.tty = stream.isatty()
        self.bar: tqdm | None = None
        self.started = self.last = time.monotonic()

    def __call__(self, done: int, total: int, documents: int) -> None:
        if self.tty:
            if self.bar is None:
                self.bar = tqdm(total=total, desc="indexing", unit="file", file=self.stream, delay=self.delay, dynamic_ncols=True)
            self.bar.set_postfix_str(f"{documents:,} documents", refresh=False)
            self.bar.update(done - self.bar.n)
            if done == total:
                self.bar.close()
            return
        now = time.monotonic()
        finished = done == total
        if now - self.last < self.every and not (finished and self.last > self.started):
            return  # a build too short for one line needs no final line either
        self.last = now
        meter = tqdm.format_meter(
            done, total, now - self.started, prefix="indexing", unit="file", postfix=f"{documents:,} documents", bar_format=self.FORMAT,
        )
        self.stream.write(meter + "\n")
        self.stream.flush()


def summary(report: BuildReport, where: str) -> str:
    """The human-readable end-of-build summary; `where`: the index folder, or the alias and cluster."""
    langs = ", ".join(f"{LANGUAGES[c].label} {n}" for c, n in report.languages.most_common())
    changes = (
        f"{report.files_read} of {report.files} files read: {report.files_new} new, {report.files_changed} changed, "
        f"{report.files_recleaned} cleaned again for the corpus's repeated lines; {report.files_deleted} deleted"
    )
    lines = [
        f"Indexed {report.documents} documents from {report.corpus} into {where} "
        f"(generation {report.generation}) in {report.seconds:.1f} s",
        f"  {report.mode} build: {changes}",
        f"  languages: {langs}",
        f"  dated: {report.dated} of {report.documents}",
    ]
    if report.skipped:
        lines.append(f"  skipped: {len(report.skipped)}")
        lines += [f"    {s.source}: {s.reason} ({s.detail})" for s in report.skipped[:LIST_LIMIT]]
        if len(report.skipped) > LIST_LIMIT:
            lines.append(f"    … and {len(report.skipped) - LIST_LIMIT} more (see --json)")
    if report.warnings:
        lines.append(f"  warnings: {len(report.warnings)}")
        lines += [f"    {src}: {msg}" for src, msg in report.warnings[:LIST_LIMIT]]
    removed = ", ".join(f"{reason} {n}" for reason, n in report.removed.most_common())
    lines.append(f"  boilerplate removed: {sum(report.removed.values())} spans ({removed or 'none'})")
    actors = ", ".join(f"{a} {n}" for a, n in report.actors.most_common(10))
    lines.append(f"  top actors (documents): {actors or 'none'}")
    return "\n".join(lines)


def command(corpus: Path, index_dir: Path, *, full: bool = False, actors_file: str | None = None) -> list[str]:
    """The command that runs a build in a process of its own, printing its report as JSON."""
    args = [sys.executable, "-m", "index.cli", "--corpus", str(corpus), "--index", str(index_dir), "--json", "--quiet"]
    return args + (["--full"] if full else []) + (["--actors-file", actors_file] if actors_file else [])


def parse_args(argv: list[str] | None, settings: Settings) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="newsfacet-index",
        description="Build a new index generation from a corpus folder and switch to it atomically. "
        "A running server keeps answering and serves the new generation afterwards.",
    )
    parser.add_argument("--corpus", type=Path, default=settings.corpus_dir, help=f"corpus folder (default: {settings.corpus_dir}, NEWSFACET_CORPUS_DIR)")
    parser.add_argument("--index", type=Path, default=settings.index_dir, help=f"index folder (default: {settings.index_dir}, NEWSFACET_INDEX_DIR)")
    parser.add_argument("--actors-file", default=settings.actors_file, help="extra actors TOML (NEWSFACET_ACTORS_FILE)")
    parser.add_argument("--rules-dir", type=Path, default=settings.rules_dir, help="your own boilerplate rules, merged on top of the built-in ones (NEWSFACET_RULES_DIR)")
    parser.add_argument(
        "--cleaner-model", default=settings.cleaner_model,
        help="a line classifier of your own, from scripts/train_cleaner.py, or `rules` for the rules alone (NEWSFACET_CLEANER_MODEL)",
    )
    parser.add_argument(
        "--backend", choices=["whoosh", "opensearch"], default=settings.backend,
        help=f"where the documents go (default: {settings.backend}, NEWSFACET_BACKEND); opensearch: the cluster NEWSFACET_OPENSEARCH_URL names, under the alias NEWSFACET_OPENSEARCH_INDEX",
    )
    parser.add_argument("--full", action="store_true", help="read every file again, not only new and changed ones")
    parser.add_argument("--rollback", action="store_true", help="make the previous generation live again, and build nothing")
    parser.add_argument(
        "--verify", action="store_true",
        help="check every kept generation's files against the sizes and checksums its build recorded, and build nothing; exits 1 naming a damaged file",
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--quiet", action="store_true", help="no progress display")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    settings = Settings()
    args = parse_args(argv, settings)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("opensearch").setLevel(logging.ERROR)  # each failed request and retry: the build's own message says what failed
    progress = None if args.quiet else ProgressLine()
    target = _target(settings) if args.backend == "opensearch" else None
    if args.rollback:
        return _rollback(args.index, target)
    if args.verify:
        return _verify(args.index)
    try:
        report = build(
            args.corpus, args.index, actors_file=args.actors_file, rules_dir=args.rules_dir, cleaner_model=args.cleaner_model,
            progress=progress, full=args.full, target=target,
        )
    except store.BuildLocked as exc:
        return _locked(exc)
    except (BuildError, OSError, ValueError) as exc:
        print(f"newsfacet-index: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        print(json.dumps(report.to_dict() | {"index": str(args.index)}, ensure_ascii=False, indent=2))
    else:
        print(summary(report, f"the alias {target.alias} on {target.where}" if target else str(args.index)))
    return 0


def _target(settings: Settings):
    """The build's OpenSearch target (its client is imported only here: a Whoosh build does without)."""
    from index.opensearch.target import OpenSearchTarget

    return OpenSearchTarget(settings)


def _rollback(index_dir: Path, target) -> int:
    try:
        with store.build_lock(index_dir):
            live = store.current_name(index_dir)
            name = store.rollback(index_dir)
            if target is not None:
                try:
                    target.rollback(name)
                except TargetError:
                    store.undo_rollback(index_dir, live)
                    raise
    except store.BuildLocked as exc:
        return _locked(exc)
    except (ValueError, TargetError) as exc:
        print(f"newsfacet-index: {exc}", file=sys.stderr)
        return EXIT_FAILED
    where = f"the alias {target.alias} on the cluster" if target is not None else index_dir
    print(f"Rolled back {where} to generation {name}; a running server answers from it within a second")
    return 0


def _verify(index_dir: Path) -> int:
    """Each kept generation: `ok` or what is damaged; 1 when any is damaged or there is none."""
    folder = store.generations_dir(index_dir)
    names = sorted((p.name for p in folder.iterdir() if p.is_dir()), reverse=True) if folder.is_dir() else []
    if not names:
        print(f"newsfacet-index: {index_dir} holds no index generation", file=sys.stderr)
        return EXIT_FAILED
    live, damaged = store.current_name(index_dir), 0
    for name in names:
        if not (folder / name / store.REPORT).is_file():
            print(f"{name}: unfinished (a build that did not end; the next build removes it)")
            continue
        problem = store.verify(folder / name)
        damaged += problem is not None
        print(f"{name}{' (live)' if name == live else ''}: {problem or 'ok'}")
    return EXIT_FAILED if damaged else 0


def _locked(exc: store.BuildLocked) -> int:
    print(f"newsfacet-index: {exc}; try again when it has finished", file=sys.stderr)
    return store.EXIT_LOCKED


def run() -> None:
    """The command: `main`, then out without tearing the interpreter down. Freeing a build's
    millions of objects one by one at exit took 0.6-0.9 s of a 15 s incremental build; the output
    is flushed first, and the build's worker processes have ended already."""
    code = main()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
