"""Data derived from wordfreq's lists (letter statistics, compound word lists), kept between runs in
the cache folder (NEWSFACET_CACHE_DIR): deriving it takes a process seconds, reading it back a tenth
of one.

A file is named by what it is derived from — the deriving module's code and the versions of the
libraries it reads — so a change to either derives it again (files of other versions stay: two
installations may share the folder). An unreadable file is derived again; a cache folder that
cannot be written only costs the time.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from index import store
from index.settings import Settings

LIBRARIES = ("wordfreq", "snowballstemmer", "PyStemmer")
T = TypeVar("T")
log = logging.getLogger(__name__)


def cached(name: str, module_file: str, make: Callable[[], T]) -> T:
    """What `make()` gives, read back when it was kept for the same `name`, the same code of
    `module_file` and the same LIBRARIES."""
    try:
        digest = hashlib.sha256(Path(module_file).read_bytes() + b"\0" + versions(LIBRARIES))
        path = _folder() / f"{name}-{digest.hexdigest()[:16]}.pickle"
    except Exception:  # noqa: BLE001 - no home folder, an unknown version: derive it, keep nothing
        log.warning("no cache folder for %s; deriving it", name, exc_info=True)
        return make()
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except FileNotFoundError:
        pass
    except Exception:  # noqa: BLE001 - a torn or foreign file: derive it again and write it anew
        log.warning("cache file %s is unreadable; deriving it again", path, exc_info=True)
    value = make()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        store.write_atomic(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError as exc:
        log.info("cannot keep %s in the cache folder: %s", name, exc)
    return value


def versions(libraries: tuple[str, ...]) -> bytes:
    """The installed versions of `libraries`, for a hash of what derived data depends on."""
    return "".join(f"{library} {importlib.metadata.version(library)}\0" for library in libraries).encode()


def _folder() -> Path:
    """NEWSFACET_CACHE_DIR, else newsfacet in XDG_CACHE_HOME or ~/.cache."""
    return Settings().cache_dir or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsfacet"
