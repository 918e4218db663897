# Every target bootstraps .venv itself: `make serve` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORPUS_DIR ?= data/sample
INDEX_DIR ?= var/index

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install browser opensearch opensearch-stop index serve test test-fast bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

index: install
	$(BIN)/newsfacet-index --corpus $(CORPUS_DIR) --index $(INDEX_DIR)

serve: index
	NEWSFACET_INDEX_DIR=$(INDEX_DIR) $(BIN)/newsfacet-serve

test: install browser opensearch
	$(BIN)/python -m pytest

opensearch:  # a local three-node OpenSearch 2.19 cluster on 127.0.0.1:9200-9202 (jars from Maven Central, run on Java 17); it runs until `make opensearch-stop`
	@{ command -v java && command -v mvn; } >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless maven; }
	python3 scripts/opensearch_cluster.py start

opensearch-stop:
	python3 scripts/opensearch_cluster.py stop

browser:  # Debian's Chromium and nginx, for the browser tests (tests/test_page.py) and the proxy test (tests/test_proxy.py)
	@{ command -v chromium && { command -v nginx || test -x /usr/sbin/nginx; }; } >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium nginx; }

test-fast: install
	$(BIN)/python -m pytest -m "not slow"

bench: install  # about 30 minutes: 10,000 and 100,000 generated articles (see README, Performance)
	$(BIN)/python scripts/bench.py

clean:
	rm -rf $(VENV) var .pytest_cache
