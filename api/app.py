"""create_app(): the FastAPI application — lifespan opens the index, routers, error handlers, and
the search page at `/` (api/static/)."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

import anyio

from fastapi import FastAPI, HTTPException
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse

from api import errors, security
from api.head import HeadAsGet
from api.observe import Observe
from api.routes import actors, admin, documents, exports, health, metrics, search, stats, trends
from search import ReindexJobs, SearchService, Settings
from search.backends import open_backend

STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        service = SearchService(open_backend(settings), settings.actors_file, settings.export_limit)
        service.start()
        # FastAPI runs the (CPU-bound) routes in anyio's thread pool; see Settings.threads.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        app.state.service = service
        app.state.jobs = ReindexJobs(settings.corpus_dir, settings.index_dir, settings.actors_file)
        yield
        service.close()

    app = FastAPI(
        title="newsfacet",
        version="0.1.0",
        description="Faceted search over Danish and German news about international politics.",
        lifespan=lifespan,
        root_path=settings.root_path,  # behind a proxy's sub-path: /docs and the schema name it; the page's links are relative
    )
    app.state.settings = settings
    errors.install(app)
    security.install(app, settings)
    for module in (search, exports, trends, documents, actors, stats, health, metrics, admin):
        app.include_router(module.router)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET"], allow_headers=["*"])
    app.add_middleware(HeadAsGet)  # every layer below sees the GET it answers
    app.add_middleware(Observe)  # outermost: every answer timed, counted, logged and given its request id

    assets = {path.name: path for path in STATIC.iterdir() if path.is_file() and path.name != "index.html"}

    @app.get("/static/{name}", include_in_schema=False)
    def asset(name: str) -> FileResponse:
        """The page's script and style sheet (a route, not a mount: a mount behind a proxy that takes
        the sub-path off looks for its files under that sub-path)."""
        if name not in assets:
            raise HTTPException(404, f"no file {name!r}")
        return FileResponse(assets[name])

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        """The search page; its state is in the query string, which the page reads itself."""
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    return app
