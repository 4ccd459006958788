"""What the resume service consumes and emits (see `jobtrail.eventlog.declarations`)."""

from jobtrail.eventlog.declarations import Consumer, Service
from jobtrail.events.resumes import (
    ResumeParsed,
    ResumeRejected,
    ResumeUploaded,
    ResumeVersionAccepted,
    ResumeVersionCreated,
)

PARSE = Consumer(
    "resume-parse",
    "resume service: read uploaded files into JSON Resume versions",
    (ResumeUploaded,),
)

SERVICE = Service(
    "resume",
    # A parsed upload is a new version, accepted as the current one at once.
    emits=(ResumeParsed, ResumeRejected, ResumeVersionCreated, ResumeVersionAccepted),
    consumers=(PARSE,),
)
