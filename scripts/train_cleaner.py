#!/usr/bin/env python3
"""Fit the cleaner's line classifier and write it where the cleaner reads it.

    python scripts/train_cleaner.py                      # the shipped model, from its data
    python scripts/train_cleaner.py --with my-pages/     # also your own labelled pages
    python scripts/train_cleaner.py --out model.json.gz  # elsewhere (NEWSFACET_CLEANER_MODEL)
    python scripts/train_cleaner.py --check              # does it reproduce the shipped file?

The data: the real pages of ../shared/eval/cleaning_real (when ../shared is beside the checkout),
the project's written pages in tests/eval/cleaning, and each `--with` folder in the same JSON
line-label format (pages/ID.txt and labels/ID.json; see the README). Fitting is seeded and
single-threaded: the same data gives the same file, byte for byte. Needs the `train` extra
(scikit-learn). A label file with a mistake stops it, naming the file and the entry.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from index.clean.model import MODEL_FILE  # noqa: E402
from index.clean.training import REAL_SET, LabelError, train  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--with", dest="extra", type=Path, action="append", default=[], metavar="FOLDER", help="a folder of your own labelled pages (pages/, labels/)")
    parser.add_argument("--out", type=Path, default=MODEL_FILE, help=f"where to write the model (default: {MODEL_FILE.relative_to(REPO)})")
    parser.add_argument("--check", action="store_true", help="fit, and compare with the file at --out instead of writing it")
    args = parser.parse_args()
    if not REAL_SET.is_dir():
        print(f"note: {REAL_SET} is not here; fitting on the written pages and --with folders only", file=sys.stderr)
    started = time.perf_counter()
    try:
        model = train(args.extra)
    except LabelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - started
    sets = ", ".join(f"{name} {count}" for name, count in model.meta["sets"].items())
    print(f"fitted on {model.meta['pages']} pages ({sets}), {model.meta['lines']} labelled lines, in {seconds:.0f} s")
    if args.check:
        with tempfile.TemporaryDirectory() as folder:
            fresh = Path(folder) / "model.json.gz"
            model.save(fresh)
            same = args.out.is_file() and fresh.read_bytes() == args.out.read_bytes()
        print(f"{args.out}: {'reproduced exactly' if same else 'differs from the fitted model'}")
        return 0 if same else 1
    model.save(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
