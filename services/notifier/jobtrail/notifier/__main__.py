"""`python -m jobtrail.notifier`: run the notifier (notifications and follow-up reminders)."""

from jobtrail.notifier.bootstrap import setup
from jobtrail.notifier.settings import NotifierSettings
from jobtrail.runtime import run_service


def main() -> None:
    settings = NotifierSettings()
    run_service("notifier", settings, lambda: setup(settings))


if __name__ == "__main__":
    main()
