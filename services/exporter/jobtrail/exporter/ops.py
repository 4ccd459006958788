"""The exporter's operator surface: what `jobtrail` (the CLI) may use."""

from jobtrail.exporter.declarations import SERVICE
from jobtrail.exporter.settings import ExporterSettings

__all__ = ["SERVICE", "ExporterSettings"]
