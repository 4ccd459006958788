"""`make run` signs tokens with its own random key; the public placeholder only serves tests."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import ValidationError

from jobtrail.cli.dev import SIGNING_KEY_FILE, signing_key
from jobtrail.gateway.settings import GatewaySettings
from jobtrail.runtime.settings import DEV_SIGNING_KEY
from jobtrail.stack import StackError


def test_the_first_start_writes_a_random_key_only_its_owner_can_read(tmp_path: Path) -> None:
    key = signing_key(tmp_path / "data")
    path = tmp_path / "data" / SIGNING_KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) == 64
    int(key, 16)  # hex
    assert key != DEV_SIGNING_KEY


def test_later_starts_reuse_the_key(tmp_path: Path) -> None:
    assert signing_key(tmp_path) == signing_key(tmp_path)


def test_two_data_folders_get_different_keys(tmp_path: Path) -> None:
    assert signing_key(tmp_path / "a") != signing_key(tmp_path / "b")


def test_a_key_file_others_could_read_is_closed_again(tmp_path: Path) -> None:
    key = signing_key(tmp_path)
    (tmp_path / SIGNING_KEY_FILE).chmod(0o644)
    assert signing_key(tmp_path) == key
    assert stat.S_IMODE((tmp_path / SIGNING_KEY_FILE).stat().st_mode) == 0o600


def test_an_emptied_key_file_is_named_not_used(tmp_path: Path) -> None:
    (tmp_path / SIGNING_KEY_FILE).write_text("\n")
    with pytest.raises(StackError, match=SIGNING_KEY_FILE):
        signing_key(tmp_path)


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_the_placeholder_key_is_refused_outside_tests(environment: str) -> None:
    with pytest.raises(ValidationError, match="placeholder"):
        GatewaySettings(environment=environment)


def test_the_placeholder_key_serves_tests_and_a_real_key_serves_dev() -> None:
    assert GatewaySettings(environment="test").jwt_secret.get_secret_value() == DEV_SIGNING_KEY
    real = GatewaySettings(environment="dev", jwt_secret="a" * 64)
    assert real.jwt_secret.get_secret_value() == "a" * 64
