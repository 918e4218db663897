"""schemathesis against a real server's /openapi.json: every operation, with requests that fit the
schema and requests that do not, and every schemathesis check (no server error; status codes,
content types, headers and bodies as published; invalid data refused; auth enforced).

One check is left out: positive_data_acceptance expects every schema-valid request to succeed, but
some rules cannot be written in OpenAPI (an actor id the gazetteer knows, from <= to, page x size <=
10,000); those requests get a documented 422, which response_schema_conformance still checks.

In negative mode, a query value that goes on the wire as an empty field (null, [], {}) is skipped:
it cannot be told from an empty form field, which the API accepts on purpose as "no filter".

schemathesis's pytest loader for lazily built schemas does not run under pytest 9, so each operation
is a parametrized test that draws its cases from the schemathesis strategy of that operation."""

import pytest
import schemathesis
from conftest import FIXTURE_CORPUS, Server
from hypothesis import HealthCheck, assume, given, settings
from schemathesis import GenerationMode

from api.app import create_app
from index.build import build
from search import Settings

TOKEN = "schemathesis-admin-token"
PATHS = create_app(Settings()).openapi()["paths"]
CASES = [
    (method.upper(), path, mode)
    for path, methods in PATHS.items()
    for method, spec in methods.items()
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode == GenerationMode.POSITIVE or spec.get("parameters") or spec.get("requestBody")  # else nothing to break
]


def _sent_empty(value) -> bool:
    return any(v in (None, "", [], {}) for v in (value if isinstance(value, list) else [value])) or value == []


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory):
    root = tmp_path_factory.mktemp("conformance")
    build(FIXTURE_CORPUS, root / "index")  # its own index: admin rebuilds here touch no other test's
    server = Server(
        root / "index", NEWSFACET_RATE_LIMIT="0", NEWSFACET_ADMIN_TOKEN=TOKEN, NEWSFACET_CORPUS_DIR=str(FIXTURE_CORPUS)
    )
    yield schemathesis.openapi.from_url(server.url + "/openapi.json")
    server.stop()


@pytest.mark.slow
@pytest.mark.parametrize("method, path, mode", CASES)
def test_every_operation_answers_as_its_schema_says(api_schema, method, path, mode):
    strategy = api_schema[path][method].as_strategy(generation_mode=mode)

    @given(case=strategy)
    @settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case):
        if mode == GenerationMode.NEGATIVE:
            assume(not any(_sent_empty(value) for value in (case.query or {}).values()))
        case.call_and_validate(
            headers={"Authorization": f"Bearer {TOKEN}"}, excluded_checks=[schemathesis.checks.positive_data_acceptance]
        )

    check()
