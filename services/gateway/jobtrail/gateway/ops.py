"""The gateway's operator surface: what `jobtrail` (the CLI) and deploy jobs may use.

Everything else in the package is internal; an import-linter contract keeps the CLI to
the `ops` module of each service.
"""

import jobtrail.gateway.adapters.credentials
import jobtrail.gateway.adapters.oidc
import jobtrail.gateway.adapters.rate_limits
import jobtrail.gateway.adapters.sessions
import jobtrail.gateway.handlers.idempotency
import jobtrail.gateway.handlers.login_throttle
import jobtrail.gateway.readmodels.projection  # noqa: F401 - these modules declare tables on metadata
from jobtrail.gateway.adapters.erasure import SqlAccountRecords
from jobtrail.gateway.api.app import create_app
from jobtrail.gateway.bootstrap import MIGRATIONS
from jobtrail.gateway.declarations import SERVICE
from jobtrail.gateway.domain.users import user_id_for
from jobtrail.gateway.handlers.erasure import ErasureDeps, erase_as_operator
from jobtrail.gateway.readmodels.audit import (
    ChainReport,
    events_after,
    load_key,
    passed_over,
    tail,
    verify_chain,
)
from jobtrail.gateway.readmodels.audit_anchors import read_anchors
from jobtrail.gateway.readmodels.projector import failures
from jobtrail.gateway.readmodels.replay import ReplayReport, replay
from jobtrail.gateway.readmodels.tables import SCHEMA, metadata
from jobtrail.gateway.settings import GatewaySettings

__all__ = [
    "MIGRATIONS",
    "SCHEMA",
    "SERVICE",
    "ChainReport",
    "ErasureDeps",
    "GatewaySettings",
    "ReplayReport",
    "SqlAccountRecords",
    "create_app",
    "erase_as_operator",
    "events_after",
    "failures",
    "load_key",
    "metadata",
    "passed_over",
    "read_anchors",
    "replay",
    "tail",
    "user_id_for",
    "verify_chain",
]
