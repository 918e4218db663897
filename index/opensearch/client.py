"""The OpenSearch client made from the settings: every node named, retries on another node, TLS
verified unless told not to, basic auth or an API key."""

from __future__ import annotations

import base64

from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError

from index.settings import Settings

TIMEOUT_SECONDS = 30
RETRIES = 3  # on another node, after a connection error or a 502, 503 or 504


def connect(settings: Settings) -> OpenSearch:
    options: dict = {
        "hosts": settings.opensearch_url,
        "timeout": TIMEOUT_SECONDS,
        "max_retries": RETRIES,
        "retry_on_timeout": True,
        "retry_on_status": (502, 503, 504),
        "verify_certs": settings.opensearch_verify_certs,
        "ssl_show_warn": settings.opensearch_verify_certs,
    }
    if settings.opensearch_ca_file:
        options["ca_certs"] = str(settings.opensearch_ca_file)
    if settings.opensearch_user:
        password = settings.opensearch_password.get_secret_value() if settings.opensearch_password else ""
        options["http_auth"] = (settings.opensearch_user, password)
    if settings.opensearch_api_key:
        key = settings.opensearch_api_key.get_secret_value()
        if ":" in key:  # `id:key`, as the API that makes keys returns them
            key = base64.b64encode(key.encode()).decode()
        options["headers"] = {"Authorization": f"ApiKey {key}"}
    return OpenSearch(**options)


def describe(settings: Settings) -> str:
    """The cluster's nodes, for messages."""
    return ", ".join(settings.opensearch_url)


def alias_index(client: OpenSearch, alias: str) -> str | None:
    """The concrete index `alias` points at; None when there is no such alias."""
    try:
        found = client.indices.get_alias(name=alias)
    except NotFoundError:
        return None
    return sorted(found)[-1] if found else None
