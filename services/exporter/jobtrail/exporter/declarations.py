"""What the exporter consumes and emits (see `jobtrail.eventlog.declarations`)."""

from jobtrail.eventlog.declarations import Consumer, Service
from jobtrail.events.exports import ExportFailed, ExportReady, ExportRequested

RENDER = Consumer(
    "exporter-render",
    "exporter: render requested PDF and DOCX files",
    (ExportRequested,),
)

SERVICE = Service("exporter", emits=(ExportReady, ExportFailed), consumers=(RENDER,))
