"""Sending mail: SMTP (the stack's local sink in development and tests, a relay in
production), or nowhere when no SMTP server is configured."""

from __future__ import annotations

import asyncio
import smtplib
from email.message import EmailMessage

import structlog

log = structlog.get_logger("jobtrail.gateway.mail")


class SmtpMailer:
    """Plain-text mail through an SMTP server; STARTTLS and login when configured."""

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 10.0,
    ) -> None:
        self._host, self._port, self._sender = host, port, sender
        self._username, self._password = username, password
        self._starttls, self._timeout = starttls, timeout

    async def send(self, to: str, subject: str, text: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self._sender, to, subject
        message.set_content(text)
        await asyncio.to_thread(self._send, message)
        log.info("mail.sent", subject=subject)

    def _send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self._host, self._port, timeout=self._timeout) as smtp:
            if self._starttls:
                smtp.starttls()
            if self._username:
                smtp.login(self._username, self._password or "")
            smtp.send_message(message)


class UnsentMail:
    """No SMTP server configured: say so in the log (never the text, which holds secrets)."""

    async def send(self, to: str, subject: str, text: str) -> None:
        log.warning("mail.not_configured", subject=subject, hint="set JOBTRAIL_SMTP_HOST")
