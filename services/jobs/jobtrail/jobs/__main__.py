"""`python -m jobtrail.jobs`: run the jobs service."""

from jobtrail.jobs.bootstrap import setup
from jobtrail.jobs.settings import JobsSettings
from jobtrail.runtime import run_service


def main() -> None:
    settings = JobsSettings()
    run_service("jobs", settings, lambda: setup(settings))


if __name__ == "__main__":
    main()
