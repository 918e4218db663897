"""`newsfacet-serve` / `python -m api`: run the HTTP service with uvicorn and the settings."""

from __future__ import annotations

import atexit
import copy
import os
import shutil
import tempfile
from pathlib import Path

import uvicorn

from api.security import SHARED_LIMITS, SharedRateLimiter
from search import Settings


def main() -> None:
    settings = Settings()
    _shared_folder()
    # the client behind a proxy is read by the app, from NEWSFACET_TRUSTED_PROXIES only; the app
    # writes the access log itself, one JSON line a request (api/observe.py)
    uvicorn.run(
        "api.app:create_app", factory=True, host=settings.host, port=settings.port, workers=settings.workers,
        log_level="info", log_config=log_config(), access_log=False, proxy_headers=False,
    )


def log_config() -> dict:
    """uvicorn's logging, and the access log's JSON lines as they are, on standard output."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["formatters"]["json_line"] = {"format": "%(message)s"}
    config["handlers"]["json_line"] = {"class": "logging.StreamHandler", "formatter": "json_line", "stream": "ext://sys.stdout"}
    config["loggers"]["newsfacet.access"] = {"handlers": ["json_line"], "level": "INFO", "propagate": False}
    return config


def _shared_folder() -> None:
    """What the worker processes share, in a folder of our own removed at exit: the rate limit's
    table, and prometheus-client's multiprocess files (in PROMETHEUS_MULTIPROC_DIR when that names
    a folder, emptied at the start)."""
    folder = Path(tempfile.mkdtemp(prefix="newsfacet-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    SharedRateLimiter.create(folder / "rate_limit.bin")
    os.environ[SHARED_LIMITS] = str(folder / "rate_limit.bin")
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if given:
        for stale in Path(given).glob("*.db"):
            stale.unlink()
    else:
        (folder / "metrics").mkdir()
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder / "metrics")


if __name__ == "__main__":
    main()
