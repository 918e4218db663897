"""What the server tells its operators: a request id on every answer (`X-Request-Id`), one JSON
access-log line per request, and Prometheus metrics (`GET /metrics`, prometheus-client).

With several worker processes prometheus-client keeps its values in files under
`PROMETHEUS_MULTIPROC_DIR` (`newsfacet-serve` sets it up), and a scrape through any worker sums all
of them; without it (one process, as in tests) the default registry is read.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
import uuid

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from starlette.routing import Match

ACCESS_LOG = logging.getLogger("newsfacet.access")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")  # an id a proxy sent along is kept when it is this sane

# registered with no registry of their own: a scrape puts them in a fresh one (below)
REQUESTS = Counter("newsfacet_requests", "HTTP requests answered", ["route", "method", "status"], registry=None)
LATENCY = Histogram(
    "newsfacet_request_seconds", "time to answer an HTTP request", ["route"], registry=None,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def metrics_text(index_facts) -> bytes:
    """The text exposition of every worker's request metrics and the index facts of this one."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)  # every worker's files
    else:
        registry.register(REQUESTS)
        registry.register(LATENCY)
    registry.register(_IndexCollector(index_facts))
    return generate_latest(registry)


class _IndexCollector:
    """The generation served, its documents and the last build, read when scraped."""

    def __init__(self, facts) -> None:
        self.facts = facts

    def collect(self):
        facts = self.facts()
        served = GaugeMetricFamily("newsfacet_generation_info", "the index generation being served", labels=["generation"])
        if facts.get("generation"):
            served.add_metric([facts["generation"]], 1)
        yield served
        yield GaugeMetricFamily("newsfacet_documents", "documents in the generation served", value=facts.get("documents", 0))
        build = facts.get("last_build") or {}
        if build:
            yield GaugeMetricFamily("newsfacet_last_build_seconds", "duration of the last build", value=build.get("seconds", 0))
            yield GaugeMetricFamily("newsfacet_last_build_success", "1 when the last build succeeded, 0 when it failed", value=build.get("outcome") == "succeeded")
            yield GaugeMetricFamily("newsfacet_last_build_finished_seconds", "when the last build ended (Unix time)", value=build.get("finished_at", 0))


def route_template(scope) -> str:
    """The path template of the route a request went to (`/documents/{doc_id:path}`; `/static` for a
    file), or `unmatched`: one series a route, whatever the ids in the paths."""
    route = scope.get("route")
    if route is None and "app" in scope:
        route = next((r for r in scope["app"].routes if r.matches(scope)[0] is not Match.NONE), None)
    return getattr(route, "path", None) or "unmatched"


class Observe:
    """ASGI middleware: times each request, gives it an id, counts it and logs it as one JSON line."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, method = time.perf_counter(), scope["method"]
        given = dict(scope.get("headers") or ()).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        status = [500]

        async def send_with_id(message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            template = route_template(scope)
            REQUESTS.labels(template, method, str(status[0])).inc()
            LATENCY.labels(template).observe(seconds)
            if ACCESS_LOG.isEnabledFor(logging.INFO):
                client = scope.get("client")
                ACCESS_LOG.info(json.dumps({
                    "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "request_id": request_id,
                    "method": method, "path": scope["path"], "query": scope.get("query_string", b"").decode("latin-1"),
                    "route": template, "status": status[0], "ms": round(seconds * 1000, 2), "client": client[0] if client else None,
                }, ensure_ascii=False))
