"""The operator's commands against the running system."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jobtrail.cli.main import app
from tests.support.documents import resume_pdf
from tests.support.system import System, connection_settings

SAMPLE = json.loads((Path(__file__).parents[1] / "data" / "sample.resume.json").read_text())


@pytest.fixture
async def cli_env(system: System) -> dict[str, str]:
    ada = await system.user()
    await ada.settled_resume(await ada.upload("resume.pdf", resume_pdf(SAMPLE)))
    settings = connection_settings(system.stack)
    return {f"JOBTRAIL_{k.upper()}": str(v) for k, v in settings.items()}


def run(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.output


def test_audit_verify_reports_an_intact_chain(cli_env: dict[str, str]) -> None:
    code, output = run(cli_env, "audit", "verify")
    assert code == 0, output
    assert "audit chain intact" in output


def test_replay_gateway_rebuilds_and_reports_its_rate(cli_env: dict[str, str]) -> None:
    code, output = run(cli_env, "replay", "gateway")
    assert code == 0, output
    assert "gateway read models rebuilt up to sequence" in output
    assert "events/s" in output


def test_replay_of_an_unknown_projection_is_refused(cli_env: dict[str, str]) -> None:
    code, output = run(cli_env, "replay", "nonsense")
    assert code == 2
    assert "unknown projection" in output


def test_events_tail_prints_json_lines_in_log_order(cli_env: dict[str, str]) -> None:
    code, output = run(cli_env, "events", "tail", "--from", "1")
    assert code == 0, output
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert lines
    assert [line["seq"] for line in lines] == sorted(line["seq"] for line in lines)
    assert {"event_id", "type", "aggregate_id", "correlation_id"} <= lines[0].keys()


def test_dlq_retry_needs_sequences_or_all(cli_env: dict[str, str]) -> None:
    code, output = run(cli_env, "dlq", "retry")
    assert code == 2
    assert "--all" in output
    code, output = run(cli_env, "dlq", "list")
    assert code == 0, output
