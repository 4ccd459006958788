"""`jobtrail mail` lists what the stack's SMTP sink received and prints one message in full."""

from __future__ import annotations

import mailbox
from email.message import EmailMessage
from pathlib import Path

from typer.testing import CliRunner

from jobtrail.cli.main import app


def deliver(data_dir: Path, subject: str, text: str) -> None:
    """Store a message the way the sink does: in data_dir/mail, with the envelope's headers."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "noreply@jobtrail.local", "ana@x", subject
    message["X-MailFrom"] = "noreply@jobtrail.local"
    message["X-RcptTo"] = "ana@example.com, audit@example.com"
    message.set_content(text)
    mailbox.Maildir(data_dir / "mail").add(message)


def jobtrail_mail(data_dir: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        app, ["mail", "--data-dir", str(data_dir), *args], env={"COLUMNS": "200"}
    )
    return result.exit_code, result.output


def test_mail_lists_what_the_sink_received_and_shows_one_in_full(tmp_path: Path) -> None:
    deliver(tmp_path, "Welcome to Jobtrail", "Hello Ana,\nyour account is ready.\n")
    deliver(tmp_path, "[reminder] Follow up with Acme", "It has been a week.\n")

    code, listing = jobtrail_mail(tmp_path)
    assert code == 0, listing
    assert listing.index("Welcome to Jobtrail") < listing.index("[reminder] Follow up with Acme")
    assert "ana@example.com, audit@example.com" in listing

    code, newest = jobtrail_mail(tmp_path, "--last", "1")
    assert code == 0, newest
    assert "Welcome" not in newest
    assert "│ 2 " in newest

    code, shown = jobtrail_mail(tmp_path, "--show", "1")
    assert code == 0, shown
    assert "Subject:    Welcome to Jobtrail\n" in shown
    assert shown.endswith("\nHello Ana,\nyour account is ready.\n")

    code, missing = jobtrail_mail(tmp_path, "--show", "3")
    assert code == 2
    assert "no message 3" in missing


def test_mail_says_so_when_the_sink_received_nothing(tmp_path: Path) -> None:
    code, output = jobtrail_mail(tmp_path)
    assert code == 0, output
    assert output.startswith("no mail received:")
    mailbox.Maildir(tmp_path / "mail")  # the sink creates it when it starts
    code, output = jobtrail_mail(tmp_path)
    assert (code, output.startswith("no mail received:")) == (0, True)
    assert "is empty" in output
