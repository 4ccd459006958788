"""The REST API on the running system: isolation, events, uploads, operations, errors."""

from __future__ import annotations

import json
from typing import Any
from uuid import uuid4

from jobtrail.gateway.domain.users import user_id_for
from jobtrail.gateway.uploads import ACCEPTED
from tests.support.api import (
    all_events,
    assert_problem,
    parsed_json_resume,
    register,
    sample,
    sample_bytes,
)
from tests.support.documents import resume_pdf
from tests.support.system import ADMIN_EMAIL, PASSWORD, Caller, System

# --- isolation between users -----------------------------------------------------------------


async def test_another_users_resume_is_answered_as_missing_everywhere(system: System) -> None:
    ada, bob = await system.user("Ada"), await system.user("Bob")
    resume_id = await parsed_json_resume(ada)
    ada_resume = (await ada.get(f"/resumes/{resume_id}")).json()
    attempts = {
        "get": await bob.get(f"/resumes/{resume_id}"),
        "versions": await bob.get(f"/resumes/{resume_id}/versions"),
        "version 1": await bob.get(f"/resumes/{resume_id}/versions/1"),
        "file": await bob.get(f"/resumes/{resume_id}/file"),
        "edit": await bob.post(
            f"/resumes/{resume_id}/versions", json={"base_version": 1, "resume": sample()}
        ),
        "accept": await bob.post(f"/resumes/{resume_id}/versions/1/accept"),
        "audit": await bob.get(f"/audit/{resume_id}"),
    }
    for name, response in attempts.items():
        assert response.status_code == 404, (name, response.text)
        assert response.json()["code"] == "not_found", name
        for secret in (ada_resume["sha256"], sample()["basics"]["name"]):
            assert secret not in response.text, name

    # Ada's resume is as it was: Bob's edit and accept left no trace.
    versions = (await ada.get(f"/resumes/{resume_id}/versions")).json()
    assert [(v["version"], v["current"]) for v in versions] == [(1, True)]


async def test_lists_and_events_show_only_the_callers_own(system: System) -> None:
    ada, bob = await system.user("Ada"), await system.user("Bob")
    resume_id = await parsed_json_resume(ada)

    bob_resumes = (await bob.get("/resumes")).json()["items"]
    assert resume_id not in [r["resume_id"] for r in bob_resumes]
    bob_events = await all_events(bob)
    assert bob_events, "Bob sees at least his own registration"
    assert {e["owner_id"] for e in bob_events} == {bob.user_id}
    assert not [e for e in bob_events if e["aggregate_id"] in (resume_id, ada.user_id)]

    ada_events = await all_events(ada)
    assert {e["owner_id"] for e in ada_events} == {ada.user_id}
    by_type = {e["type"]: e for e in ada_events}
    assert {"UserRegistered", "ResumeUploaded", "ResumeParsed"} <= by_type.keys()
    assert by_type["ResumeUploaded"]["aggregate_id"] == resume_id
    assert "password_hash" not in by_type["UserRegistered"]["data"]  # not in the log at all
    assert "$argon2" not in json.dumps(ada_events)


async def admin(system: System) -> Caller:
    """The harness's admin account, registered by whichever test needs it first."""
    registered = await register(system, ADMIN_EMAIL)
    assert registered.status_code in (201, 409), registered.text
    tokens = await system.api.post("/auth/login", json={"email": ADMIN_EMAIL, "password": PASSWORD})
    assert tokens.status_code == 200, tokens.text
    body = tokens.json()
    return Caller(
        system.api, ADMIN_EMAIL, str(user_id_for(ADMIN_EMAIL)), body["access_token"], body
    )


async def test_an_admin_sees_other_users_events_still_redacted(system: System) -> None:
    root = await admin(system)
    assert (await root.get("/users/me")).json()["role"] == "admin"
    ada = await system.user("Ada")
    [registered] = (await ada.get("/events")).json()["items"]

    page = await root.get("/events", params={"after": registered["seq"] - 1, "limit": 1000})
    assert page.status_code == 200, page.text
    assert page.json()["items"][0] == registered
    seen = [item["event"] for item in page.json()["items"]]
    adas = [e for e in seen if e["owner_id"] == ada.user_id]
    assert [e["event_id"] for e in adas] == [registered["event"]["event_id"]]
    assert "password_hash" not in adas[0]["data"]
    assert "$argon2" not in page.text


async def test_events_page_by_after_and_limit_without_gaps_or_repeats(system: System) -> None:
    ada = await system.user("Ada")
    for n in range(4):
        assert (await ada.put("/users/me", json={"display_name": f"Ada {n}"})).status_code == 200
    everything = (await ada.get("/events")).json()
    assert everything["next_after"] is None
    all_seqs = [item["seq"] for item in everything["items"]]
    assert len(all_seqs) == 5
    assert all_seqs == sorted(set(all_seqs))

    pages, after = [], 0
    while True:
        page = (await ada.get("/events", params={"after": after, "limit": 2})).json()
        pages.append([item["seq"] for item in page["items"]])
        if page["next_after"] is None:
            break
        assert page["next_after"] == page["items"][-1]["seq"]
        after = page["next_after"]
    assert pages == [all_seqs[0:2], all_seqs[2:4], all_seqs[4:5]]

    tail = (await ada.get("/events", params={"after": all_seqs[2]})).json()
    assert [item["seq"] for item in tail["items"]] == all_seqs[3:]


async def test_events_refuse_a_limit_out_of_range(system: System) -> None:
    ada = await system.user()
    assert_problem(await ada.get("/events", params={"limit": 0}), 422, "invalid_input")
    assert_problem(await ada.get("/events", params={"after": -1}), 422, "invalid_input")


# --- uploads -----------------------------------------------------------------------------


async def resume_count(caller: Caller) -> int:
    return len((await caller.get("/resumes", params={"limit": 200})).json()["items"])


async def test_an_empty_file_is_422(system: System) -> None:
    ada = await system.user()
    response = await ada.post("/resumes", files={"file": ("resume.pdf", b"")})
    assert "empty" in assert_problem(response, 422, "invalid_input")["detail"]
    assert await resume_count(ada) == 0


async def test_an_animated_gif_is_415_naming_the_accepted_types(system: System) -> None:
    ada = await system.user()
    gif = b"GIF89a\x01\x00\x01\x00" + bytes(range(256))  # scans (PNG, JPEG, TIFF) are read
    response = await ada.post("/resumes", files={"file": ("resume.pdf", gif)})
    assert ACCEPTED in assert_problem(response, 415, "unsupported_media_type")["detail"]
    assert await resume_count(ada) == 0


async def test_a_file_over_the_limit_is_413_and_nothing_is_stored(system: System) -> None:
    ada = await system.user()
    await parsed_json_resume(ada)
    # Hers only: the services' own work on her first upload (scores, for one) may land later.
    events_before = len(await events_by(ada))
    assert events_before > 0  # her registration and first upload
    just_over = b"a" * (2 * 1024 * 1024 + 1)  # inside the body allowance, over the file limit
    far_over = b"a" * (3 * 1024 * 1024)  # refused while the body streams in
    for data in (just_over, far_over):
        response = await ada.post("/resumes", files={"file": ("resume.txt", data)})
        assert "MiB" in assert_problem(response, 413, "payload_too_large")["detail"]
    assert await resume_count(ada) == 1
    assert len(await events_by(ada)) == events_before


async def events_by(caller: Caller) -> list[dict[str, Any]]:
    """The caller's events that the caller's own requests appended."""
    return [e for e in await all_events(caller) if e["actor"] == f"user:{caller.user_id}"]


async def test_a_json_resume_upload_becomes_version_one_as_uploaded(system: System) -> None:
    ada = await system.user()
    resume_id = await ada.upload("resume.json", sample_bytes())
    settled = await ada.settled_resume(resume_id)
    assert (settled["status"], settled["file_kind"], settled["media_type"]) == (
        "parsed", "json", "application/json",
    )  # fmt: skip
    assert (settled["current_version"], settled["latest_version"]) == (1, 1)
    version = (await ada.get(f"/resumes/{resume_id}/versions/1")).json()
    assert (version["source"], version["parent_version"], version["current"]) == (
        "import", None, True,
    )  # fmt: skip
    assert version["resume"] == sample()


async def test_an_invalid_json_resume_is_rejected_naming_the_field(system: System) -> None:
    ada = await system.user()
    resume_id = await ada.upload("resume.json", json.dumps({"basics": {"email": 5}}).encode())
    settled = await ada.settled_resume(resume_id)
    assert settled["status"] == "rejected", settled
    assert settled["rejection"]["code"] == "invalid_json_resume"
    assert "$.basics.email" in settled["rejection"]["reason"]
    assert settled["current_version"] is None


async def test_a_pdf_named_docx_is_read_as_a_pdf(system: System) -> None:
    ada = await system.user()
    resume_id = await ada.upload("resume.docx", resume_pdf(sample()))
    settled = await ada.settled_resume(resume_id)
    assert (settled["media_type"], settled["file_kind"], settled["status"]) == (
        "application/pdf", "pdf", "parsed",
    )  # fmt: skip


async def test_the_file_link_downloads_the_exact_bytes_uploaded(system: System) -> None:
    ada = await system.user()
    data = sample_bytes().replace(b"Richard Hendriks", f"Richard {uuid4().hex}".encode())
    resume_id = await ada.upload("my resume.json", data)
    link = await ada.get(f"/resumes/{resume_id}/file")
    assert link.status_code == 200, link.text
    assert link.json()["expires_in"] == 900
    download = await ada.api.get(link.json()["url"])  # a link: no login needed
    assert download.status_code == 200, download.text
    assert download.content == data
    assert "attachment" in download.headers["content-disposition"]


# --- operations ------------------------------------------------------------------------------


async def test_healthz_says_the_gateway_is_up(system: System) -> None:
    response = await system.api.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "service": "gateway"}


async def test_readyz_checks_every_dependency(system: System) -> None:
    response = await system.api.get("/readyz")
    assert response.status_code == 200, response.text
    body = response.json()
    assert {k: v for k, v in body.items() if k != "projections"} == {
        "status": "ready",
        "checks": {
            "nats": "ok", "postgres": "ok", "s3": "ok", "documents": "ok",
            "projections": "ok",
        },
    }  # fmt: skip
    assert set(body["projections"]) == {"read-models", "audit"}
    for report in body["projections"].values():
        assert {"checkpoint", "lag", "failures"} <= report.keys()


async def test_metrics_count_requests_by_route_template(system: System) -> None:
    ada = await system.user()
    await ada.get(f"/resumes/{uuid4()}")
    response = await system.api.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "# TYPE jobtrail_http_requests_total counter" in response.text
    assert (
        'jobtrail_http_requests_total{method="GET",route="/resumes/{resume_id}",status="404"}'
        in response.text
    )


async def test_every_response_carries_a_correlation_id(system: System) -> None:
    ada = await system.user()
    responses = [
        await system.api.get("/healthz"),
        await system.api.get("/users/me"),
        await system.api.get("/no/such/route"),
        await ada.get("/resumes/not-a-uuid"),
        await ada.post("/resumes", files={"file": ("big.txt", b"a" * (3 * 1024 * 1024))}),
    ]
    assert [r.status_code for r in responses] == [200, 401, 404, 422, 413]
    ids = [r.headers.get("x-correlation-id") for r in responses]
    assert all(ids), ids
    assert len(set(ids)) == len(ids), "each request gets its own id"


async def test_a_given_correlation_id_is_echoed_and_recorded_on_the_events(system: System) -> None:
    ada = await system.user()
    correlation_id = f"test-{uuid4().hex}"
    response = await system.api.put(
        "/users/me",
        json={"display_name": "Traced"},
        headers={**ada.auth, "X-Correlation-ID": correlation_id},
    )
    assert response.status_code == 200, response.text
    assert response.headers["x-correlation-id"] == correlation_id
    caused = [e for e in await all_events(ada) if e["correlation_id"] == correlation_id]
    assert [(e["type"], e["data"]["display_name"]) for e in caused] == [("UserUpdated", "Traced")]


async def test_a_malformed_correlation_id_is_replaced(system: System) -> None:
    response = await system.api.get("/healthz", headers={"X-Correlation-ID": "bad id; drop"})
    assert response.headers["x-correlation-id"] not in ("", "bad id; drop")


# --- the API's description and its errors ---------------------------------------------------


async def test_openapi_lists_every_route_each_with_summary_and_description(system: System) -> None:
    response = await system.api.get("/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    expected = {
        "/auth/register": {"post"},
        "/auth/login": {"post"},
        "/auth/refresh": {"post"},
        "/users/me": {"get", "put"},
        "/profiles/me": {"get", "put"},
        "/resumes": {"get", "post"},
        "/resumes/{resume_id}": {"get"},
        "/resumes/{resume_id}/versions": {"get", "post"},
        "/resumes/{resume_id}/versions/{version}": {"get"},
        "/resumes/{resume_id}/versions/{version}/accept": {"post"},
        "/resumes/{resume_id}/file": {"get"},
        "/events": {"get"},
        "/audit/{entity_id}": {"get"},
        "/healthz": {"get"},
        "/readyz": {"get"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= paths[path].keys(), (path, paths[path].keys())
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert operation.get("summary"), (method, path)
            assert operation.get("description"), (method, path)


async def test_an_unknown_route_is_a_404_problem(system: System) -> None:
    assert_problem(await system.api.get("/no/such/route"), 404, "not_found")


async def test_a_wrong_method_is_a_405_problem(system: System) -> None:
    assert_problem(await system.api.delete("/healthz"), 405, "method_not_allowed")


async def test_a_malformed_uuid_in_a_path_is_a_422_problem_never_a_500(system: System) -> None:
    ada = await system.user()
    for path in (
        "/resumes/not-a-uuid",
        "/resumes/not-a-uuid/versions",
        "/resumes/not-a-uuid/file",
        "/resumes/12345/versions/1",
    ):
        body = assert_problem(await ada.get(path), 422, "invalid_input")
        assert [e["location"] for e in body["errors"]] == ["path.resume_id"], path
    body = assert_problem(await ada.get(f"/resumes/{uuid4()}/versions/one"), 422, "invalid_input")
    assert [e["location"] for e in body["errors"]] == ["path.version"]
