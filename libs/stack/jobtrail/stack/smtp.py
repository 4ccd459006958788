"""A local SMTP sink (aiosmtpd): takes any mail on loopback and keeps it in a Maildir.

Services send real mail in development and tests without it reaching anyone; tests and
`jobtrail mail` read what arrived with read_mail.
"""

import email
import mailbox
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path

from jobtrail.stack.config import StackConfig
from jobtrail.stack.errors import StackError
from jobtrail.stack.probes import accepts_connections
from jobtrail.stack.process import RunsOneProcess, ServerLog, ServerProcess

# aiosmtpd's handler that adds each message to a Maildir (fsynced before the 250 reply).
_MAILDIR_HANDLER = "aiosmtpd.handlers.Mailbox"
# Headers that handler adds with the SMTP envelope: who the client said the mail was from
# and every address it was delivered to, Bcc included.
_ENVELOPE_FROM = "X-MailFrom"
_ENVELOPE_TO = "X-RcptTo"
# Maildir file names start with the time of delivery: "<seconds>.M<microseconds>P<pid>…".
_DELIVERY_TIME = re.compile(r"(\d+)\.M(\d+)P")


def mail_dir_of(data_dir: Path) -> Path:
    """The Maildir in which the sink of the stack kept in `data_dir` stores what it receives."""
    return data_dir / "mail"


class SmtpSink(RunsOneProcess):
    """aiosmtpd under this Python: accepts mail from anyone to anyone and delivers none of it."""

    name = "smtp"

    def __init__(self, config: StackConfig) -> None:
        self._config = config
        log = ServerLog(config.data_dir / "logs" / "smtp.log")
        self._process = ServerProcess("SMTP sink", self._argv(), log, cwd=config.data_dir)

    @property
    def host(self) -> str:
        """Address the sink listens on."""
        return self._config.host

    @property
    def port(self) -> int:
        """Port the sink listens on (plain SMTP: no TLS, no login)."""
        return self._config.smtp_port

    @property
    def mail_dir(self) -> Path:
        """The Maildir holding every message received, kept across restarts."""
        return mail_dir_of(self._config.data_dir)

    def start(self) -> None:
        """Start aiosmtpd and wait until it accepts connections (its Maildir exists by then)."""
        self._process.start(lambda: accepts_connections(self.host, self.port))

    def stop(self) -> None:
        """Stop the sink; every message it answered 250 to is already on disk."""
        self._process.stop()

    def _argv(self) -> list[str]:
        """The aiosmtpd command line, run by this interpreter so no other binary is needed."""
        return [
            *(sys.executable, "-m", "aiosmtpd"),
            "--nosetuid",  # else it tries to become `nobody`, and fails unless root
            "--smtputf8",  # take UTF-8 addresses, as a real relay would
            *("--listen", f"{self.host}:{self.port}"),
            *("--class", _MAILDIR_HANDLER, str(self.mail_dir)),
        ]


@dataclass(frozen=True)
class SentMail:
    """One message the sink received.

    sender and recipients come from the SMTP envelope (so Bcc recipients are there too),
    or from the From, To and Cc headers in a Maildir that another program wrote.
    received is when the message was stored; message_id is None when the sender set none.
    """

    sender: str
    recipients: tuple[str, ...]
    subject: str
    text: str
    received: datetime
    message_id: str | None


def read_mail(mail_dir: Path) -> list[SentMail]:
    """Every message in the Maildir `mail_dir`, oldest first; none if it does not exist yet.

    Raises StackError when `mail_dir` is some other folder.
    """
    if not mail_dir.exists():
        return []
    if not all((mail_dir / folder).is_dir() for folder in ("new", "cur")):
        raise StackError(f"{mail_dir} is not a Maildir: it has no new/ and cur/ folders")
    maildir = mailbox.Maildir(mail_dir, create=False)
    stored = sorted(
        (_stored_at(maildir, key), _delivery_time(key), key) for key in maildir.iterkeys()
    )
    return [_sent_mail(maildir.get_bytes(key), received) for received, _, key in stored]


def _stored_at(maildir: mailbox.Maildir, key: str) -> datetime:
    """When a message was stored: its file's modification time, as mailbox reads it."""
    return datetime.fromtimestamp(maildir.get_message(key).get_date(), UTC)


def _delivery_time(key: str) -> tuple[int, int]:
    """Seconds and microseconds in a Maildir name: they order messages that the file clock,
    which ticks every few milliseconds, stamped alike; (0, 0) for names of another form."""
    match = _DELIVERY_TIME.match(key)
    return (int(match[1]), int(match[2])) if match else (0, 0)


def _sent_mail(raw: bytes, received: datetime) -> SentMail:
    """Decode one stored message (headers and the text part, charsets applied)."""
    message = email.message_from_bytes(raw, policy=policy.default)
    message_id = message.get("Message-ID")
    return SentMail(
        sender=next(iter(_addresses(message, _ENVELOPE_FROM, "From")), ""),
        recipients=_addresses(message, _ENVELOPE_TO, "To", "Cc"),
        subject=str(message.get("Subject", "")),
        text=_plain_text(message),
        received=received,
        message_id=None if message_id is None else str(message_id).strip(),
    )


def _addresses(message: EmailMessage, envelope: str, *headers: str) -> tuple[str, ...]:
    """Bare addresses from the envelope header the sink added, else from `headers`.

    Of several envelope headers the last is the sink's: a client may have sent its own.
    """
    if recorded := message.get_all(envelope):
        values = [str(recorded[-1])]
    else:
        values = [str(value) for header in headers for value in message.get_all(header, [])]
    return tuple(address for _name, address in getaddresses(values) if address)


def _plain_text(message: EmailMessage) -> str:
    """The text/plain body, decoded; empty for a message that has none."""
    part = message.get_body(preferencelist=("plain",))
    return "" if part is None else str(part.get_content())
