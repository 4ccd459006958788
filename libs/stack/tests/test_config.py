"""StackConfig and StackEndpoints: settings from the environment and for clients."""

from pathlib import Path

import pytest

from jobtrail.stack import StackConfig, StackEndpoints, StackError


def test_from_env_reads_ports_keys_and_sync_interval() -> None:
    environ = {
        "JOBTRAIL_NATS_PORT": "14222",
        "JOBTRAIL_PG_PORT": "15432",
        "JOBTRAIL_S3_PORT": "18333",
        "JOBTRAIL_SMTP_PORT": "12525",
        "JOBTRAIL_S3_SECRET_KEY": "other-secret",
        "JOBTRAIL_JETSTREAM_SYNC_INTERVAL": "1s",
    }
    config = StackConfig.from_env(Path("data"), environ)
    assert (config.nats_port, config.pg_port, config.s3_port) == (14222, 15432, 18333)
    assert config.smtp_port == 12525
    assert config.s3_secret_key == "other-secret"
    assert config.jetstream_sync_interval == "1s"
    assert config.data_dir == Path("data").absolute()


def test_from_env_refuses_a_port_that_is_not_a_number() -> None:
    with pytest.raises(StackError, match="JOBTRAIL_PG_PORT='fast' is not a port number"):
        StackConfig.from_env(Path("data"), {"JOBTRAIL_PG_PORT": "fast"})


def test_with_free_ports_gives_every_server_its_own_port(tmp_path: Path) -> None:
    claims = StackConfig.with_free_ports(tmp_path).port_claims()
    assert len({claim.port for claim in claims}) == len(claims) == 16
    assert all(claim.env_var.startswith("JOBTRAIL_") for claim in claims)


def test_endpoints_as_env_gives_what_services_read() -> None:
    endpoints = StackEndpoints(
        nats_url="nats://127.0.0.1:4222",
        nats_monitor_url="http://127.0.0.1:8222",
        database_url="postgresql+psycopg://postgres@127.0.0.1:5432/jobtrail",
        s3_endpoint="127.0.0.1:8333",
        s3_access_key="jobtrail",
        s3_secret_key="secret",
        smtp_host="127.0.0.1",
        smtp_port=2525,
        mail_dir="/data/mail",
        durability="nats sync_interval=2m (server default)",
    )
    assert endpoints.as_env() == {
        "JOBTRAIL_NATS_URL": "nats://127.0.0.1:4222",
        "JOBTRAIL_DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:5432/jobtrail",
        "JOBTRAIL_S3_ENDPOINT": "127.0.0.1:8333",
        "JOBTRAIL_S3_ACCESS_KEY": "jobtrail",
        "JOBTRAIL_S3_SECRET_KEY": "secret",
        "JOBTRAIL_S3_SECURE": "false",
        "JOBTRAIL_SMTP_HOST": "127.0.0.1",
        "JOBTRAIL_SMTP_PORT": "2525",
    }
