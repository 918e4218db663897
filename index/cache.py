"""Data derived from wordfreq's lists (letter statistics, compound word lists), kept between runs in
the user's cache folder: deriving it takes a process seconds, reading it back a tenth of one.

A file is named by what it is derived from — the deriving module's code and the versions of the
libraries it reads — so a change to either derives it again. An unreadable file is derived again;
a cache folder that cannot be written only costs the time.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

LIBRARIES = ("wordfreq", "snowballstemmer", "PyStemmer")
T = TypeVar("T")
log = logging.getLogger(__name__)


def folder() -> Path:
    """NEWSFACET_CACHE_DIR, else `newsfacet` in XDG_CACHE_HOME or ~/.cache."""
    if os.environ.get("NEWSFACET_CACHE_DIR"):
        return Path(os.environ["NEWSFACET_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsfacet"


def cached(name: str, module_file: str, make: Callable[[], T]) -> T:
    """What `make()` gives, read back when it was kept for the same `name`, the same code of
    `module_file` and the same LIBRARIES."""
    digest = hashlib.sha256(Path(module_file).read_bytes())
    for library in LIBRARIES:
        digest.update(f"\0{library} {importlib.metadata.version(library)}".encode())
    path = folder() / f"{name}-{digest.hexdigest()[:16]}.pickle"
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except FileNotFoundError:
        pass
    except Exception:  # noqa: BLE001 - a torn or foreign file: derive it again
        log.warning("cache file %s is unreadable; deriving it again", path)
    value = make()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{name}-", delete=False) as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(fh.name, path)  # whole or not at all, whoever writes it at the same time
        for old in path.parent.glob(f"{name}-*.pickle"):  # what older code or libraries derived
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:
        log.info("cannot keep %s in the cache folder: %s", name, exc)
    return value
