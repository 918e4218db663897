"""`newsfacet-serve` / `python -m api`: run the HTTP service with uvicorn and the settings."""

from __future__ import annotations

import uvicorn

from search import Settings


def main() -> None:
    settings = Settings()
    uvicorn.run("api.app:create_app", factory=True, host=settings.host, port=settings.port, log_level="info")


if __name__ == "__main__":
    main()
