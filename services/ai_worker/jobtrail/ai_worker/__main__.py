"""`python -m jobtrail.ai_worker`: run the ai-worker service."""

from jobtrail.ai_worker.bootstrap import setup
from jobtrail.ai_worker.settings import AIWorkerSettings
from jobtrail.runtime import run_service


def main() -> None:
    settings = AIWorkerSettings()
    run_service("ai-worker", settings, lambda: setup(settings))


if __name__ == "__main__":
    main()
