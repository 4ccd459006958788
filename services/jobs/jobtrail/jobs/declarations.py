"""What the jobs service consumes and emits (see `jobtrail.eventlog.declarations`)."""

from jobtrail.eventlog.declarations import Consumer, Service
from jobtrail.events.jobs import (
    IngestionCompleted,
    IngestionRequested,
    JobMatched,
    JobPostingAdded,
    JobPostingDeleted,
    JobPostingIngested,
    MatchesScored,
    PostingRequirementsRead,
    RescoreCompleted,
    RescoreRequested,
)
from jobtrail.events.resumes import ResumeDeleted, ResumeVersionCreated
from jobtrail.events.users import AccountErased, ProfileUpdated

POSTINGS = Consumer(
    "jobs-postings",
    "jobs service: embed, index and score postings added by users or feeds; drop deleted ones",
    (JobPostingAdded, JobPostingIngested, JobPostingDeleted),
)
MATCH = Consumer(
    "jobs-match",
    "jobs service: score postings against new resume versions; drop deleted resumes' scores",
    (ResumeVersionCreated, ResumeDeleted),
)
PROFILES = Consumer(
    "jobs-profiles",
    "jobs service: keep each job seeker's match threshold; forget an erased account",
    (ProfileUpdated, AccountErased),
)
INGEST = Consumer(
    "jobs-ingest",
    "jobs service: run a feed when someone asks (POST /ingestions)",
    (IngestionRequested,),
    ack_wait_seconds=300,
    max_failures=3,
)
RESCORE = Consumer(
    "jobs-rescore",
    "jobs service: start a background re-scoring run (jobtrail rescore)",
    (RescoreRequested,),
)

SERVICE = Service(
    "jobs",
    emits=(
        JobPostingIngested,
        JobMatched,
        MatchesScored,
        PostingRequirementsRead,
        IngestionCompleted,
        RescoreCompleted,
    ),
    consumers=(POSTINGS, MATCH, PROFILES, INGEST, RESCORE),
)
