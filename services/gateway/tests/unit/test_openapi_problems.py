"""Every operation declares the problem responses it can give, as application/problem+json."""

from __future__ import annotations

from typing import Any

import pytest

from jobtrail.gateway.api.app import create_app
from jobtrail.gateway.settings import GatewaySettings


def spec() -> dict[str, Any]:
    return create_app(GatewaySettings(environment="test")).openapi()


PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    paths = spec()["paths"]
    return [(method, path, op) for path, ops in paths.items() for method, op in ops.items()]


def test_the_problem_schema_is_a_component() -> None:
    schemas = spec()["components"]["schemas"]
    assert set(schemas["Problem"]["required"]) >= {"type", "title", "status", "detail", "code"}
    assert "HTTPValidationError" not in schemas  # FastAPI's own 422 body is never sent


@pytest.mark.parametrize(("method", "path", "op"), operations(), ids=lambda v: str(v)[:40])
def test_every_operation_declares_its_problems(method: str, path: str, op: dict[str, Any]) -> None:
    responses = op["responses"]
    if "ops" in op["tags"]:
        assert "500" in responses
        return
    expected = {"401", "422", "500", "503"}
    if op.get("security"):
        expected |= {"401", "403", "404"}
    if "{" in path:
        expected.add("404")
    if method in ("post", "put", "patch", "delete"):
        expected |= {"409", "429"}
    if "requestBody" in op:
        expected |= {"400", "413"}
    assert expected <= set(responses), f"{method} {path} lacks {expected - set(responses)}"
    for status in expected:
        assert responses[status]["content"] == PROBLEM, (method, path, status)
    assert "Retry-After" in responses["503"]["headers"]


def test_a_route_behind_a_login_declares_401() -> None:
    secured = [op for _, _, op in operations() if op.get("security")]
    assert len(secured) > 20
    assert all("401" in op["responses"] for op in secured)
