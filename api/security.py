"""Who may do what: the admin token, a request rate per client, and the headers every answer carries."""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import ipaddress
import math
import mmap
import os
import re
import struct
import threading
import time
from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.datastructures import MutableHeaders

from api.errors import error_response

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    "Cross-Origin-Resource-Policy": "same-site",
}
# /docs loads Swagger UI from a CDN: its page gets the default policy FastAPI's UI needs
DOCS_PATHS = ("/docs", "/redoc")


_BEARER = HTTPBearer(auto_error=False, description="the server's NEWSFACET_ADMIN_TOKEN")


def require_admin(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)]) -> None:
    """`Authorization: Bearer <NEWSFACET_ADMIN_TOKEN>`, compared in constant time; with no token
    set, admin is disabled."""
    token = request.app.state.settings.admin_token
    if token is None:
        raise HTTPException(403, "admin is disabled: set NEWSFACET_ADMIN_TOKEN to enable it")
    given = credentials.credentials.strip() if credentials else ""
    if not hmac.compare_digest(given.encode(), token.get_secret_value().encode()):
        raise HTTPException(401, "a valid `Authorization: Bearer <token>` header is required", headers={"WWW-Authenticate": "Bearer"})


class RateLimiter:
    """A token bucket per client address: `per_minute` requests, refilled continuously."""

    def __init__(self, per_minute: int, clients: int = 10_000) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(per_minute)
        self.clients = clients
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, last time)
        self._lock = threading.Lock()

    def wait(self, client: str) -> float:
        """0 when the request may go on, else the seconds until it may."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.pop(client, (self.capacity, now))
            tokens, wait = self._take(tokens, last, now)
            self._buckets[client] = (tokens, now)  # most recent last: the longest idle go first when full
            if len(self._buckets) > self.clients:
                del self._buckets[next(iter(self._buckets))]
        return wait

    def _take(self, tokens: float, last: float, now: float) -> tuple[float, float]:
        """A bucket refilled since `last` and one token taken if there is one: (tokens left, the
        seconds to wait, 0 when one was taken)."""
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        if tokens >= 1:
            return tokens - 1, 0.0
        return tokens, (1 - tokens) / self.rate


class SharedRateLimiter(RateLimiter):
    """The buckets of every worker process of one server in one memory-mapped file, changed under an
    flock: a client's budget is the same whichever worker answers it. A slot a client (a hash of its
    address), found among `PROBES` places; a full neighbourhood gives up its longest idle slot."""

    RECORD = struct.Struct("<Qdd")  # client hash, tokens, last time (CLOCK_MONOTONIC: one clock for all processes)
    SLOTS = 1 << 16
    PROBES = 16

    @classmethod
    def create(cls, path: Path) -> None:
        """The empty table, made once by the server before its workers start."""
        with path.open("wb") as fh:
            fh.truncate(cls.SLOTS * cls.RECORD.size)

    def __init__(self, per_minute: int, path: Path) -> None:
        super().__init__(per_minute)
        self._file = path.open("r+b")
        self._table = mmap.mmap(self._file.fileno(), self.SLOTS * self.RECORD.size)

    def wait(self, client: str) -> float:
        key = int.from_bytes(hashlib.blake2b(client.encode(), digest_size=8).digest(), "little") or 1
        now = time.monotonic()
        with self._lock:  # the threads of this process; the flock, the other processes
            fcntl.flock(self._file.fileno(), fcntl.LOCK_EX)
            try:
                offset = self._slot(key)
                found, tokens, last = self.RECORD.unpack_from(self._table, offset)
                tokens, wait = self._take(tokens, last, now) if found == key else self._take(self.capacity, now, now)
                self.RECORD.pack_into(self._table, offset, key, tokens, now)
            finally:
                fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
        return wait

    def _slot(self, key: int) -> int:
        """The offset of the client's record, or of an empty or the longest idle one near it."""
        oldest, oldest_time = 0, float("inf")
        for probe in range(self.PROBES):
            offset = ((key + probe) % self.SLOTS) * self.RECORD.size
            found, _, last = self.RECORD.unpack_from(self._table, offset)
            if found in (key, 0):
                return offset
            if last < oldest_time:
                oldest, oldest_time = offset, last
        return oldest


class ClientAddress:
    """The client's address: the peer's, or, when the peer is a trusted proxy, the nearest address in
    its `Forwarded` (RFC 7239) or `X-Forwarded-For` header that is not a trusted proxy itself."""

    def __init__(self, trusted: list[str]) -> None:
        self.networks = [ipaddress.ip_network(item, strict=False) for item in trusted]

    def trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def of(self, scope) -> str:
        peer = scope["client"][0] if scope.get("client") else "unknown"
        if not self.networks or not self.trusted(peer):
            return peer
        chain = forwarded_chain(dict(scope.get("headers") or ()))
        for address in reversed(chain):  # the proxies append: the nearest untrusted one is the client
            if not self.trusted(address):
                return address
        return chain[0] if chain else peer


_FORWARDED_FOR = re.compile(r'for="?\[?([^\]";,]+)', re.IGNORECASE)


def forwarded_chain(headers: dict[bytes, bytes]) -> list[str]:
    """The addresses a request passed through, client first: from `Forwarded`, else `X-Forwarded-For`
    (a port or IPv6 brackets taken off)."""
    if b"forwarded" in headers:
        return [_host(m.group(1)) for m in _FORWARDED_FOR.finditer(headers[b"forwarded"].decode("latin-1"))]
    if b"x-forwarded-for" in headers:
        return [_host(item.strip()) for item in headers[b"x-forwarded-for"].decode("latin-1").split(",") if item.strip()]
    return []


def _host(address: str) -> str:
    """`192.0.2.1:4711` -> `192.0.2.1`; an IPv6 address keeps its colons."""
    if address.count(":") == 1:
        return address.split(":")[0]
    return address


SHARED_LIMITS = "NEWSFACET_SHARED_LIMITS"  # the table newsfacet-serve makes for its workers (SharedRateLimiter)


def install(app, settings) -> None:
    """Rate limiting by client (429 in the error shape, with Retry-After) and the security headers.
    Under newsfacet-serve the limit's counts are shared by its workers; else (one process) kept here."""
    limiter = None
    if settings.rate_limit:
        shared = os.environ.get(SHARED_LIMITS)
        limiter = SharedRateLimiter(settings.rate_limit, Path(shared)) if shared else RateLimiter(settings.rate_limit)
    app.add_middleware(Guard, limiter=limiter, clients=ClientAddress(settings.trusted_proxies))


class Guard:
    """ASGI middleware for both (plain ASGI: Starlette's BaseHTTPMiddleware costs a task and a
    stream per request)."""

    def __init__(self, app, limiter: RateLimiter | None, clients: ClientAddress) -> None:
        self.app = app
        self.limiter = limiter
        self.clients = clients

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        headers = {k: v for k, v in SECURITY_HEADERS.items() if not (k == "Content-Security-Policy" and path.startswith(DOCS_PATHS))}
        if self.clients.networks and scope.get("client"):  # the real client, for the limit and the logs
            scope["client"] = (self.clients.of(scope), scope["client"][1])
        if self.limiter and path != "/health":
            wait = self.limiter.wait(scope["client"][0] if scope.get("client") else "unknown")
            if wait:
                response = error_response(429, "rate_limited", f"too many requests; try again in {math.ceil(wait)} s")
                response.headers["Retry-After"] = str(math.ceil(wait))
                response.headers.update(headers)
                await response(scope, receive, send)
                return

        async def send_secured(message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                for key, value in headers.items():
                    response_headers.setdefault(key, value)
            await send(message)

        await self.app(scope, receive, send_secured)
