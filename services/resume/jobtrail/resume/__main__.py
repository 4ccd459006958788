"""`python -m jobtrail.resume`: run the resume service."""

from jobtrail.resume.bootstrap import setup
from jobtrail.resume.settings import ResumeSettings
from jobtrail.runtime import run_service


def main() -> None:
    settings = ResumeSettings()
    run_service("resume", settings, lambda: setup(settings))


if __name__ == "__main__":
    main()
