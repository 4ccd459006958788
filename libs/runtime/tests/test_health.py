"""Readiness: a failing dependency is a 503; a failing advisory is reported, not fatal."""

import json

from jobtrail.runtime.health import readiness_response


async def ok() -> None:
    return None


async def down() -> None:
    raise ConnectionError("connection refused")


async def test_a_failing_dependency_makes_the_service_not_ready() -> None:
    response = await readiness_response({"postgres": down, "nats": ok})
    body = json.loads(response.body)
    assert response.status_code == 503
    assert body["checks"] == {
        "postgres": "error: ConnectionError: connection refused",
        "nats": "ok",
    }


async def test_a_failing_advisory_is_reported_but_the_service_stays_ready() -> None:
    response = await readiness_response({"nats": ok}, {"feed:greenhouse": down})
    body = json.loads(response.body)
    assert response.status_code == 200
    assert body["status"] == "ready"
    assert body["advisories"] == {"feed:greenhouse": "error: ConnectionError: connection refused"}
