"""The embedded stack runs real NATS, PostgreSQL and S3 servers that keep their data."""

import io
import socket
from dataclasses import replace
from pathlib import Path
from uuid import uuid4

import nats
import psycopg
import pytest
from minio import Minio
from minio.commonconfig import ENABLED
from minio.error import S3Error
from minio.versioningconfig import VersioningConfig

from jobtrail.stack import EmbeddedStack, StackConfig, StackEndpoints, StackError
from jobtrail.stack.nats import NatsServer
from jobtrail.stack.ports import PortClaim, ensure_free

pytestmark = pytest.mark.integration


def libpq_url(endpoints: StackEndpoints) -> str:
    """The database URL without SQLAlchemy's driver suffix, as psycopg takes it."""
    return endpoints.database_url.replace("postgresql+psycopg://", "postgresql://")


def s3_client(endpoints: StackEndpoints, secret_key: str | None = None) -> Minio:
    """A minio client for the stack's S3 endpoint."""
    return Minio(
        endpoints.s3_endpoint,
        access_key=endpoints.s3_access_key,
        secret_key=secret_key or endpoints.s3_secret_key,
        secure=endpoints.s3_secure,
    )


async def test_nats_has_jetstream_enabled(stack: StackEndpoints) -> None:
    client = await nats.connect(stack.nats_url)
    try:
        js = client.jetstream()
        await js.account_info()
        stream = f"TEST_{uuid4().hex[:8].upper()}"
        await js.add_stream(name=stream, subjects=[f"{stream}.>"])
        ack = await js.publish(f"{stream}.created", b"{}")
        assert (ack.stream, ack.seq) == (stream, 1)
    finally:
        await client.close()


def test_postgres_answers_and_has_pgvector(stack: StackEndpoints) -> None:
    with psycopg.connect(libpq_url(stack), autocommit=True) as connection:
        assert connection.execute("select 1").fetchone() == (1,)
        connection.execute("create extension if not exists vector")
        distance = connection.execute("select '[1,0]'::vector <-> '[0,0]'::vector").fetchone()
        assert distance == (1.0,)


def test_s3_keeps_versions_of_an_object(stack: StackEndpoints) -> None:
    client = s3_client(stack)
    bucket = f"test-{uuid4().hex[:12]}"
    client.make_bucket(bucket)
    client.set_bucket_versioning(bucket, VersioningConfig(ENABLED))
    first = client.put_object(bucket, "resume.txt", io.BytesIO(b"v1"), 2)
    client.put_object(bucket, "resume.txt", io.BytesIO(b"v2"), 2)
    assert client.get_bucket_versioning(bucket).status == ENABLED
    assert client.get_object(bucket, "resume.txt").read() == b"v2"
    old = client.get_object(bucket, "resume.txt", version_id=first.version_id)
    assert old.read() == b"v1"


def test_s3_refuses_a_wrong_secret(stack: StackEndpoints) -> None:
    with pytest.raises(S3Error):
        s3_client(stack, secret_key="wrong-secret").list_buckets()


def test_durability_settings_are_reported(stack: StackEndpoints) -> None:
    assert stack.durability == (
        "nats sync_interval=2m (server default); postgres fsync=on synchronous_commit=on"
    )


def test_a_busy_port_is_named_and_nothing_starts(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        config = replace(StackConfig.with_free_ports(tmp_path), pg_port=port)
        expected = f"PostgreSQL port {port} on 127.0.0.1 is already in use; .* JOBTRAIL_PG_PORT"
        with pytest.raises(StackError, match=expected):
            EmbeddedStack(config).start()
    assert not (tmp_path / "postgres").exists()


def test_a_failed_start_quotes_the_log_and_stops_the_other_servers(tmp_path: Path) -> None:
    config = replace(StackConfig.with_free_ports(tmp_path), jetstream_sync_interval="soon")
    with pytest.raises(StackError, match="NATS exited with code 1") as failure:
        EmbeddedStack(config).start()
    assert 'invalid duration "soon"' in str(failure.value)
    assert "logs/nats.log" in str(failure.value)
    # PostgreSQL was stopped again: its port is free the way a server binds it (TIME_WAIT
    # leftovers of closed connections do not count, as they do not for the server).
    ensure_free(PortClaim("PostgreSQL", config.host, config.pg_port, "JOBTRAIL_PG_PORT"))


def test_a_sync_interval_is_in_force_and_reported(tmp_path: Path) -> None:
    server = NatsServer(
        replace(StackConfig.with_free_ports(tmp_path), jetstream_sync_interval="1s")
    )
    server.start()
    try:
        assert server.durability() == "nats sync_interval=1s"
    finally:
        server.stop()


async def test_data_survives_a_restart(tmp_path: Path) -> None:
    embedded = EmbeddedStack(StackConfig.with_free_ports(tmp_path))
    with embedded as endpoints:
        await write_one_of_each(endpoints)
    with embedded as endpoints:
        await assert_one_of_each_is_there(endpoints)


async def write_one_of_each(endpoints: StackEndpoints) -> None:
    """Put a row, an object and a stream message into the stack."""
    with psycopg.connect(libpq_url(endpoints), autocommit=True) as connection:
        connection.execute("create table kept (note text)")
        connection.execute("insert into kept values ('before restart')")
    s3_client(endpoints).make_bucket("kept")
    s3_client(endpoints).put_object("kept", "note", io.BytesIO(b"before restart"), 14)
    client = await nats.connect(endpoints.nats_url)
    try:
        await client.jetstream().add_stream(name="KEPT", subjects=["kept.>"])
        await client.jetstream().publish("kept.note", b"before restart")
    finally:
        await client.close()


async def assert_one_of_each_is_there(endpoints: StackEndpoints) -> None:
    """Read back what write_one_of_each wrote."""
    with psycopg.connect(libpq_url(endpoints)) as connection:
        assert connection.execute("select note from kept").fetchall() == [("before restart",)]
    assert s3_client(endpoints).get_object("kept", "note").read() == b"before restart"
    client = await nats.connect(endpoints.nats_url)
    try:
        message = await client.jetstream().get_msg("KEPT", 1)
        assert message.data == b"before restart"
    finally:
        await client.close()
