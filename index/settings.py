"""The product's settings: one pydantic model read from `NEWSFACET_*` environment variables."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    """Defaults serve the bundled sample corpus from a checkout's root folder."""

    model_config = SettingsConfigDict(env_prefix="NEWSFACET_", extra="ignore")

    backend: Literal["whoosh", "opensearch"] = Field(
        "whoosh", description="where the index lives: `whoosh`, embedded in the index folder, or `opensearch`, on the cluster `NEWSFACET_OPENSEARCH_URL` names"
    )
    index_dir: Path = Field(
        Path("var/index"),
        description="index folder: generations and `CURRENT` (with `opensearch`, only what a build keeps for the next incremental one: its manifest and report)",
    )
    corpus_dir: Path = Field(Path("data/sample"), description="corpus the rebuild reads by default")
    actors_file: str | None = Field(
        None, description="your own actors TOML, same format as `index/data/actors.toml`; an actor with an existing id replaces it"
    )
    rules_dir: Path | None = Field(
        None,
        description="a folder of your own boilerplate rule files (`*.toml`, the keys of `index/rules/README.md`), merged on top of the built-in ones",
    )
    cleaner_model: str | None = Field(
        None,
        description="the cleaner's line classifier: a file written by `scripts/train_cleaner.py`, or `rules` to clean by the rules alone; unset, the shipped `index/models/cleaner.json.gz`",
    )
    opensearch_url: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["http://127.0.0.1:9200"], json_schema_extra={"shown_default": "`http://127.0.0.1:9200`"},
        description="comma-separated URLs of the cluster's nodes; the client spreads requests over them and retries another when one fails",
    )
    opensearch_index: str = Field(
        "newsfacet", pattern=r"^[a-z0-9][a-z0-9_-]*$",
        description="the alias searches go to; each build writes a concrete index `<alias>-<generation>` and then moves the alias to it",
    )
    opensearch_user: str | None = Field(None, description="user name for HTTP basic authentication")
    opensearch_password: SecretStr | None = Field(None, description="password for HTTP basic authentication")
    opensearch_api_key: SecretStr | None = Field(None, description="API key (`id:key`, or its base64 form), instead of a user and password")
    opensearch_ca_file: Path | None = Field(None, description="CA certificate file (PEM) to verify the cluster's TLS certificate with")
    opensearch_verify_certs: bool = Field(True, description="verify the cluster's TLS certificate; turn it off only for a test cluster")
    opensearch_shards: int = Field(3, ge=1, le=1024, description="primary shards of each new index")
    opensearch_replicas: int = Field(
        1, ge=0, le=16, description="replicas of each shard; `0` on a one-node cluster, which could never place a replica and would stay yellow"
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="comma-separated origins allowed to call the API from a browser"
    )
    admin_token: SecretStr | None = Field(
        None, description="enables `POST /admin/reindex` for `Authorization: Bearer <token>`; unset, admin answers 403"
    )
    rate_limit: int = Field(
        0, ge=0,
        description="requests per minute per client (a burst of as many, then refilled; `0`: no limit); over it, 429 with `Retry-After`. Off by default: behind a proxy, or for one busy newsroom, every reader may share one address",
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="comma-separated addresses or networks of your reverse proxies (`127.0.0.1`, `10.0.0.0/8`). Only from these is the client read from `Forwarded` or `X-Forwarded-For` (the nearest address that is not a trusted proxy); from any other peer the headers are ignored, so nobody can pose as another client",
    )
    root_path: str = Field(
        "", pattern=r"^(/[\w.~-]+)*$",
        description="the sub-path a reverse proxy serves the product under (`/newsfacet`): the page, its assets and API calls, `/docs` and the schema work under it, whether the proxy takes the sub-path off the requests it passes on or not",
    )
    export_limit: int = Field(
        10_000, ge=1, le=10_000,
        description="articles one `/search.csv` or `/search.jsonl` export holds at most; a search listing more is refused (422) with the limit named, to be narrowed or exported in parts. At most 10,000, OpenSearch's result window",
    )
    host: str = Field("127.0.0.1", description="address `newsfacet-serve` listens on")
    port: int = Field(8000, ge=1, le=65535, description="port `newsfacet-serve` listens on")
    workers: int = Field(
        default_factory=lambda: os.cpu_count() or 1, ge=1, le=64, json_schema_extra={"shown_default": "the number of CPUs"},
        description="server processes (uvicorn workers), each with the index open. Reindex jobs are kept in the index folder (`jobs/`) and the rate limit's counts in a table the workers share, so every worker sees both",
    )
    threads: int = Field(
        1, ge=1, le=64,
        description="requests one server process computes at once. Python runs one at a time, so more threads only contend for the interpreter: at 100,000 articles one thread served the benchmark mix at 66 requests/s, forty (anyio's default) at 47",
    )
    cache_dir: Path | None = Field(
        None, json_schema_extra={"shown_default": "`$XDG_CACHE_HOME/newsfacet` or `~/.cache/newsfacet`"},
        description="word lists and letter statistics derived from wordfreq, kept between runs (9 MB; deriving them again costs a process about 3 s); a folder that cannot be written only costs the time",
    )

    @field_validator("cors_origins", "trusted_proxies", "opensearch_url", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"{item!r} is not an IP address or network") from None
        return value

    @field_validator("opensearch_url")
    @classmethod
    def _hosts(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("name at least one node")
        for url in value:
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"{url!r} is not an http:// or https:// URL")
        return value

    @field_validator(
        "actors_file", "admin_token", "cache_dir", "rules_dir", "cleaner_model", "opensearch_user", "opensearch_password",
        "opensearch_api_key", "opensearch_ca_file", mode="before",
    )
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return value or None


def settings_table() -> str:
    """The README's table of settings, made from the model: a variable, its default, what it does."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for name, info in Settings.model_fields.items():
        extra = info.json_schema_extra or {}
        if "shown_default" in extra:
            default = extra["shown_default"]
        elif info.default in (None, "") or info.default_factory is list:
            default = "—"
        else:
            default = f"`{info.default}`"
        rows.append(f"| `NEWSFACET_{name.upper()}` | {default} | {info.description} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(settings_table())
