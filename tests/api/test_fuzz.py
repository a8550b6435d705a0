"""Schemathesis against the OpenAPI spec (bounded examples per operation): no 500s anywhere,
also for the admin operations with an admin key."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from api.app import create_app
from tests.conftest import FakeEmbedder

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    import shutil

    from assistant.service import Paragraf
    from core.settings import Settings
    from ingest.pipeline import ingest_paths
    from tests.conftest import SEEDS, fake_scorer_path

    data = tmp_path_factory.mktemp("fuzz")
    corpus = data / "corpus"
    shutil.copytree(SEEDS, corpus)
    core = Paragraf(Settings(data_dir=data / "data", refresh_interval_s=0.0,
                             scorer_path=fake_scorer_path(data)),
                    embedder=FakeEmbedder())
    ingest_paths([corpus], core.index)
    api_settings = core.settings.model_copy(update={"api_keys": {"fuzz-admin": ["admin", "internal"]},
                                                    "rate_limit_per_minute": 0})
    return create_app(api_settings, paragraf=core)


def fuzz(operation, tried: dict[str, int]) -> None:
    """Bounded examples of one operation; any 5xx fails."""

    @given(case=operation.as_strategy())
    @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def run(case):
        case.headers = {**(case.headers or {}), "X-API-Key": "fuzz-admin"}
        response = case.call()
        tried[operation.label] = tried.get(operation.label, 0) + 1
        case.validate_response(response, checks=[not_a_server_error])

    run()


def test_no_server_errors(fuzz_app):
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    tried: dict[str, int] = {}
    for operation in operations:
        fuzz(operation, tried)
    assert len(tried) == len(operations)
