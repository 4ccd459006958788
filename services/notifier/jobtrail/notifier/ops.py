"""The notifier's operator surface: what `jobtrail` (the CLI) and deploy jobs may use."""

from jobtrail.notifier.declarations import SERVICE
from jobtrail.notifier.follow_ups import Rebuilt, rebuild
from jobtrail.notifier.settings import NotifierSettings
from jobtrail.notifier.tables import MIGRATIONS, SCHEMA, metadata

__all__ = [
    "MIGRATIONS",
    "SCHEMA",
    "SERVICE",
    "NotifierSettings",
    "Rebuilt",
    "metadata",
    "rebuild",
]
