"""`jobtrail mail`: what the embedded stack's SMTP sink received, read from its Maildir.

Mail the services send in development never leaves the machine; this is how to read it
(a sign-up confirmation, a password reset link) without a mail client.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from jobtrail.cli.dev import DATA_DIR
from jobtrail.stack import StackError
from jobtrail.stack.smtp import SentMail, mail_dir_of, read_mail

out = Console()


def mail(
    data_dir: Annotated[
        Path, typer.Option(help="the data folder `jobtrail dev` keeps its servers' data in")
    ] = DATA_DIR,
    last: Annotated[int | None, typer.Option(min=1, help="list only the newest N messages")] = None,
    show: Annotated[
        int | None,
        typer.Option(help="print message N in full, numbered as listed (-1: the newest)"),
    ] = None,
) -> None:
    """List the mail the local SMTP sink received, newest last, or print one message."""
    mail_dir = mail_dir_of(data_dir)
    try:
        received = read_mail(mail_dir)
    except StackError as error:
        out.print(Text(str(error), style="red"))
        raise typer.Exit(1) from error
    if not received:
        typer.echo(_nothing_received(mail_dir, data_dir))
        return
    if show is None:
        out.print(_listing(received, last, mail_dir))
    else:
        typer.echo(_full_text(_numbered(received, show)))


def _full_text(sent: SentMail) -> str:
    """One message as a mail client shows it: the main headers, a blank line, the text."""
    headers = {
        "From": sent.sender or "(none)",
        "To": ", ".join(sent.recipients),
        "Subject": sent.subject,
        "Received": _local_time(sent),
    }
    if sent.message_id is not None:
        headers["Message-ID"] = sent.message_id
    lines = [f"{name + ':':<12}{value}" for name, value in headers.items()]
    return "\n".join([*lines, "", sent.text.rstrip("\n") or "(no plain-text part)"])


def _numbered(received: list[SentMail], number: int) -> SentMail:
    """Message `number` as listed (1: the oldest, -1: the newest); exit with 2 if none is."""
    if 1 <= number <= len(received):
        return received[number - 1]
    if -len(received) <= number <= -1:
        return received[number]
    out.print(
        f"[red]no message {number}: the sink holds {len(received)}, numbered 1 to "
        f"{len(received)} (-1 is the newest)[/red]"
    )
    raise typer.Exit(2)


def _listing(received: list[SentMail], last: int | None, mail_dir: Path) -> Table:
    """A table of when, to whom and about what, numbered as --show takes them."""
    first = 0 if last is None else max(0, len(received) - last)
    caption = f"{len(received)} received, kept in {mail_dir}; --show N prints one in full"
    table = Table("#", "received", "to", "subject", caption=Text(caption))
    for number, sent in enumerate(received[first:], start=first + 1):
        # Text, not str: a subject such as "[urgent]" is not Rich markup.
        cells = (str(number), _local_time(sent), ", ".join(sent.recipients), sent.subject)
        table.add_row(*(Text(cell) for cell in cells))
    return table


def _nothing_received(mail_dir: Path, data_dir: Path) -> str:
    """Say plainly that there is no mail, and why when the sink never ran there."""
    if mail_dir.is_dir():
        return f"no mail received: the SMTP sink's Maildir {mail_dir} is empty"
    return (
        f"no mail received: {mail_dir} does not exist; the SMTP sink creates it when "
        f"`jobtrail dev --data-dir {data_dir}` starts"
    )


def _local_time(sent: SentMail) -> str:
    """When the sink stored a message, in this machine's time zone."""
    return sent.received.astimezone().strftime("%Y-%m-%d %H:%M:%S")
