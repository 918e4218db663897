from pathlib import Path

import pytest
from pydantic import ValidationError

from conftest import REPO

from index.settings import settings_table
from search import Settings


def test_defaults_serve_the_bundled_sample(monkeypatch):
    for name in ("INDEX_DIR", "CORPUS_DIR", "ACTORS_FILE", "CORS_ORIGINS", "HOST", "PORT"):
        monkeypatch.delenv(f"NEWSFACET_{name}", raising=False)
    settings = Settings()
    assert settings.index_dir == Path("var/index") and settings.corpus_dir == Path("data/sample")
    assert settings.cors_origins == [] and settings.actors_file is None and settings.port == 8000


def test_environment_variables(monkeypatch):
    monkeypatch.setenv("NEWSFACET_CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("NEWSFACET_PORT", "9001")
    monkeypatch.setenv("NEWSFACET_ACTORS_FILE", "")
    settings = Settings()
    assert settings.cors_origins == ["https://a.example", "https://b.example"]
    assert settings.port == 9001 and settings.actors_file is None


def test_the_readme_documents_every_setting_as_the_model_does():
    """The README's settings table is the one the model makes: a setting added, renamed or
    described anew without the README following fails here (`python -m index.settings` prints it)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert settings_table() in readme
    assert len(Settings.model_fields) == settings_table().count("| `NEWSFACET_")


def test_opensearch_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("NEWSFACET_BACKEND", "opensearch")
    monkeypatch.setenv("NEWSFACET_OPENSEARCH_URL", "https://a.example:9200, https://b.example:9200")
    monkeypatch.setenv("NEWSFACET_OPENSEARCH_PASSWORD", "")
    settings = Settings()
    assert settings.backend == "opensearch" and settings.opensearch_url == ["https://a.example:9200", "https://b.example:9200"]
    assert settings.opensearch_index == "newsfacet" and settings.opensearch_verify_certs and settings.opensearch_password is None


@pytest.mark.parametrize(
    "name, value, said",
    [
        ("BACKEND", "solr", "whoosh"),
        ("OPENSEARCH_URL", "a.example:9200", "is not an http:// or https:// URL"),
        ("OPENSEARCH_URL", ",", "name at least one node"),
        ("OPENSEARCH_INDEX", "News Facet", "pattern"),
    ],
)
def test_a_wrong_opensearch_setting_is_refused_by_name(monkeypatch, name, value, said):
    monkeypatch.setenv(f"NEWSFACET_{name}", value)
    with pytest.raises(ValidationError) as refused:
        Settings()
    assert name.lower() in str(refused.value) and said in str(refused.value)
