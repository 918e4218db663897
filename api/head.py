"""HEAD on every GET route: a HEAD request is answered as the GET, with the same status and headers
(its Content-Length too) and no body."""

from __future__ import annotations


class HeadAsGet:
    """ASGI middleware (FastAPI routes a GET route for GET only; HEAD would get 405)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        scope["method"] = "GET"  # in place: the layers outside see what the router matched
        await self.app(scope, receive, send_headers_only)
