"""`python -m jobtrail.exporter`: run the exporter service."""

from jobtrail.exporter.bootstrap import setup
from jobtrail.exporter.settings import ExporterSettings
from jobtrail.runtime import run_service


def main() -> None:
    settings = ExporterSettings()
    run_service("exporter", settings, lambda: setup(settings))


if __name__ == "__main__":
    main()
