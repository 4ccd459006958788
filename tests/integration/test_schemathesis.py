"""Schemathesis against the gateway served over real HTTP: requests generated from its
OpenAPI document (valid and invalid ones) never meet a server error, and every answer has
a status, a media type and a body the document declares for it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from jobtrail.gateway.api.app import create_app
from jobtrail.gateway.settings import GatewaySettings
from jobtrail.stack import StackEndpoints
from tests.support.served import logged_in, served_gateway

# Few examples per operation: the suite's budget, not thoroughness, sets this; run
# `st run <gateway>/openapi.json` by hand for a long session.
EXAMPLES = 15
# Server-Sent Events never end: a generated request would wait on them forever.
STREAMS = r"/(stream|events)$"


@pytest.fixture(scope="module")
def gateway(stack: StackEndpoints) -> Iterator[str]:
    with served_gateway(stack) as url:
        yield url


@pytest.fixture(scope="module")
def auth(gateway: str) -> dict[str, str]:
    return logged_in(gateway, "Fuzzed")


def document() -> dict[str, Any]:
    """The document the gateway serves at /openapi.json (checked below to be the same)."""
    return create_app(GatewaySettings(environment="test")).openapi()


schema = schemathesis.openapi.from_dict(document()).exclude(path_regex=STREAMS)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))  # fmt: skip
def test_generated_requests_meet_no_server_error_and_match_the_schema(
    case: schemathesis.Case[Any], gateway: str, auth: dict[str, str]
) -> None:
    case.call_and_validate(
        base_url=gateway,
        headers=auth,
        checks=[
            not_a_server_error,
            response_schema_conformance,
            # every status and media type answered is one the document declares
            status_code_conformance,
            content_type_conformance,
        ],
        timeout=30,
    )


def test_the_document_tested_is_the_one_the_gateway_serves(gateway: str) -> None:
    served = httpx.get(f"{gateway}/openapi.json", timeout=30).json()
    assert served == json.loads(json.dumps(document()))
    assert len(served["paths"]) >= 30
