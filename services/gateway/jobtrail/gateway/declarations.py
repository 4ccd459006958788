"""What the gateway emits (see `jobtrail.eventlog.declarations`).

The gateway runs no durable consumer: its projector reads the whole log in order, with a
checkpoint per projection (`readmodels/projector.py`).
"""

from jobtrail.eventlog.declarations import Service
from jobtrail.events.ai import AIJobCancelled, AIJobQueued, AIOutputDeleted
from jobtrail.events.applications import (
    ApplicationCreated,
    ApplicationDeleted,
    ApplicationFollowUpScheduled,
    ApplicationNextStepSet,
    ApplicationNoteAdded,
    ApplicationStatusChanged,
)
from jobtrail.events.attachments import AttachmentDeleted, AttachmentUploaded
from jobtrail.events.exports import ExportRequested
from jobtrail.events.jobs import (
    IngestionRequested,
    JobPostingAdded,
    JobPostingDeleted,
    JobPostingUpdated,
)
from jobtrail.events.notifications import NotificationRead
from jobtrail.events.resumes import (
    ResumeDeleted,
    ResumeUploaded,
    ResumeVersionAccepted,
    ResumeVersionCreated,
)
from jobtrail.events.users import (
    AccountErased,
    EmailVerified,
    PasswordChanged,
    ProfileUpdated,
    UserDisabled,
    UserEnabled,
    UserIdentityLinked,
    UserRegistered,
    UserRoleChanged,
    UserUpdated,
)

SERVICE = Service(
    "gateway",
    emits=(
        UserRegistered,
        UserUpdated,
        PasswordChanged,
        UserDisabled,
        UserEnabled,
        UserRoleChanged,
        UserIdentityLinked,
        EmailVerified,
        AccountErased,
        ProfileUpdated,
        ResumeUploaded,
        ResumeVersionAccepted,
        ResumeVersionCreated,
        ResumeDeleted,
        JobPostingAdded,
        JobPostingUpdated,
        JobPostingDeleted,
        IngestionRequested,
        AIJobQueued,
        AIJobCancelled,
        AIOutputDeleted,
        ExportRequested,
        ApplicationCreated,
        ApplicationStatusChanged,
        ApplicationNoteAdded,
        ApplicationNextStepSet,
        ApplicationFollowUpScheduled,
        ApplicationDeleted,
        AttachmentUploaded,
        AttachmentDeleted,
        NotificationRead,
    ),
)
