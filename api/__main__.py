"""`newsfacet-serve` / `python -m api`: run the HTTP service with uvicorn and the settings."""

from __future__ import annotations

import uvicorn

from search import Settings


def main() -> None:
    settings = Settings()
    # the client behind a proxy is read by the app, from NEWSFACET_TRUSTED_PROXIES only
    uvicorn.run(
        "api.app:create_app", factory=True, host=settings.host, port=settings.port, workers=settings.workers,
        log_level="info", proxy_headers=False,
    )


if __name__ == "__main__":
    main()
