"""The SMTP sink keeps every message it is sent in a Maildir, and read_mail reads them back."""

import smtplib
from email.message import EmailMessage
from pathlib import Path
from uuid import uuid4

import pytest

from jobtrail.stack import StackConfig, StackEndpoints, StackError, read_mail
from jobtrail.stack.smtp import SmtpSink

pytestmark = pytest.mark.integration

SENDER = "Jobtrail <noreply@jobtrail.local>"


def a_message(subject: str, text: str, *, html: str | None = None) -> EmailMessage:
    """A message from Jobtrail to Ana, plain text with an optional HTML alternative."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = SENDER, "Ana <ana@example.com>", subject
    message["Message-ID"] = f"<{uuid4()}@jobtrail.local>"
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


def send(host: str, port: int, message: EmailMessage, *bcc: str) -> None:
    with smtplib.SMTP(host, port, timeout=10) as client:
        client.send_message(message, to_addrs=["ana@example.com", *bcc])


def test_the_sink_keeps_each_message_across_a_restart_for_read_mail(tmp_path: Path) -> None:
    sink = SmtpSink(StackConfig.with_free_ports(tmp_path))
    reset = a_message(
        "Réinitialiser votre mot de passe",
        "Bonjour ✓\nhttps://jobtrail.local/reset?token=abc\n",
        html="<p>Bonjour</p>",
    )
    follow_up = a_message("[reminder] Follow up with Acme", "It has been a week.\n")
    sink.start()
    try:
        send(sink.host, sink.port, reset, "audit@example.com")
        sink.stop()
        sink.start()
        send(sink.host, sink.port, follow_up)
    finally:
        sink.stop()

    assert sink.mail_dir == tmp_path / "mail"
    first, second = read_mail(sink.mail_dir)
    assert first.subject == "Réinitialiser votre mot de passe"
    assert first.sender == "noreply@jobtrail.local"
    # The envelope's recipients, so a Bcc that no header names is there too.
    assert first.recipients == ("ana@example.com", "audit@example.com")
    assert first.text == "Bonjour ✓\nhttps://jobtrail.local/reset?token=abc\n"
    assert first.message_id == reset["Message-ID"]
    assert (second.subject, second.recipients) == (follow_up["Subject"], ("ana@example.com",))
    assert second.text == "It has been a week.\n"
    assert first.received <= second.received


def test_read_mail_finds_nothing_where_no_sink_ran_and_refuses_other_folders(
    tmp_path: Path,
) -> None:
    assert read_mail(tmp_path / "mail") == []
    with pytest.raises(StackError, match="is not a Maildir"):
        read_mail(tmp_path)


def test_the_stack_endpoints_lead_to_its_sink(stack: StackEndpoints) -> None:
    subject = f"Welcome {uuid4()}"
    send(stack.smtp_host, stack.smtp_port, a_message(subject, "Hello\n"))
    assert stack.as_env()["JOBTRAIL_SMTP_PORT"] == str(stack.smtp_port)
    [received] = [mail for mail in read_mail(Path(stack.mail_dir)) if mail.subject == subject]
    assert received.recipients == ("ana@example.com",)
