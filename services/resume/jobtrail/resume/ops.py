"""The resume service's operator surface: what `jobtrail` (the CLI) may use."""

from jobtrail.resume.declarations import SERVICE
from jobtrail.resume.settings import ResumeSettings

__all__ = ["SERVICE", "ResumeSettings"]
