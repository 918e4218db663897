from pathlib import Path

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
