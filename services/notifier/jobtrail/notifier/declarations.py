"""What the notifier consumes and emits (see `jobtrail.eventlog.declarations`)."""

from jobtrail.eventlog.declarations import Consumer, Service
from jobtrail.events.ai import AIJobFailed, AIOutputReady
from jobtrail.events.applications import (
    ApplicationDeleted,
    ApplicationFollowUpDue,
    ApplicationFollowUpScheduled,
    ApplicationStatusChanged,
)
from jobtrail.events.exports import ExportFailed, ExportReady
from jobtrail.events.jobs import JobMatched
from jobtrail.events.notifications import NotificationCreated
from jobtrail.events.users import AccountErased

NOTIFY = Consumer(
    "notifier-notify",
    "notifier: exports, AI results, strong matches and follow-ups become notifications",
    (ExportReady, ExportFailed, AIOutputReady, AIJobFailed, JobMatched, ApplicationFollowUpDue),
    ack_wait_seconds=30,
)
FOLLOW_UPS = Consumer(
    "notifier-follow-ups",
    "notifier: keeps each open application's follow-up date for the reminder sweep; "
    "forgets deleted applications and erased accounts",
    (
        ApplicationFollowUpScheduled,
        ApplicationStatusChanged,
        ApplicationFollowUpDue,
        ApplicationDeleted,
        AccountErased,
    ),
    ack_wait_seconds=30,
)

SERVICE = Service(
    "notifier",
    emits=(ApplicationFollowUpDue, NotificationCreated),
    consumers=(NOTIFY, FOLLOW_UPS),
)
