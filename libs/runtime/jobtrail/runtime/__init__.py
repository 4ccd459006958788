"""What every Jobtrail service process shares."""

from jobtrail.runtime.health import Check, ops_app, run_checks
from jobtrail.runtime.logging import configure_logging, log_context
from jobtrail.runtime.service import ServiceParts, run_service
from jobtrail.runtime.settings import ServiceSettings

__all__ = [
    "Check",
    "ServiceParts",
    "ServiceSettings",
    "configure_logging",
    "log_context",
    "ops_app",
    "run_checks",
    "run_service",
]
