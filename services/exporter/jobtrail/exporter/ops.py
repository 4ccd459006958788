"""The exporter's operator surface: what `jobtrail` (the CLI) may use."""

from jobtrail.exporter.settings import ExporterSettings

__all__ = ["ExporterSettings"]
