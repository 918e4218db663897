"""The product's settings: one pydantic model read from `NEWSFACET_*` environment variables."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    """Defaults serve the bundled sample corpus from a checkout's root folder."""

    model_config = SettingsConfigDict(env_prefix="NEWSFACET_", extra="ignore")

    index_dir: Path = Field(Path("var/index"), description="index folder (generations and CURRENT)")
    corpus_dir: Path = Field(Path("data/sample"), description="corpus folder the rebuild reads")
    actors_file: str | None = Field(None, description="a TOML file of actors added to or overriding the gazetteer")
    rules_dir: Path | None = Field(None, description="a folder of your own boilerplate rule files (*.toml), merged on top of the built-in ones")
    cleaner_model: str | None = Field(
        None, description="a line classifier fitted by scripts/train_cleaner.py (a file), or `rules` to clean by the rules alone; unset: the shipped one"
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="origins allowed to call the API from a browser, comma-separated"
    )
    admin_token: SecretStr | None = Field(None, description="bearer token for POST /admin/reindex; unset, admin is disabled")
    rate_limit: int = Field(0, ge=0, description="requests per minute one client may make (0: no limit)")
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="addresses or networks of reverse proxies, comma-separated (`127.0.0.1,10.0.0.0/8`): only from them are `Forwarded` and `X-Forwarded-For` read for the client's address",
    )
    workers: int = Field(
        default_factory=lambda: os.cpu_count() or 1, ge=1, le=64,
        description="server processes answering requests (default: the number of CPUs); each opens the index itself",
    )
    threads: int = Field(
        1, ge=1, le=64,
        description="requests one server process works on at once; Python runs one at a time anyway, more threads only contend for it",
    )
    cache_dir: Path | None = Field(
        None, description="where word data derived from wordfreq is kept between runs (index.cache); unset: newsfacet in XDG_CACHE_HOME or ~/.cache"
    )
    root_path: str = Field(
        "", pattern=r"^(/[\w.~-]+)*$",
        description="the sub-path a reverse proxy serves the product under (`/newsfacet`), with the prefix taken off the requests it passes on",
    )
    host: str = Field("127.0.0.1", description="address the server listens on")
    port: int = Field(8000, ge=1, le=65535, description="port the server listens on")

    @field_validator("cors_origins", "trusted_proxies", mode="before")
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

    @field_validator("actors_file", "admin_token", "cache_dir", "rules_dir", "cleaner_model", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return value or None
