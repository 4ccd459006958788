"""Mail the stack's real SMTP sink received, as tests wait for it."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

from jobtrail.stack.smtp import SentMail, read_mail
from tests.support.system import System


async def mail_to(system: System, email: str, subject: str = "", timeout: float = 20.0) -> SentMail:
    """The newest mail to `email` whose subject holds `subject` (sent after the answer)."""
    deadline = time.monotonic() + timeout
    while True:
        found = [
            m for m in read_mail(Path(system.stack.mail_dir))
            if email in m.recipients and subject in m.subject
        ]  # fmt: skip
        if found:
            return found[-1]
        assert time.monotonic() < deadline, f"no mail to {email} ({subject}) within {timeout} s"
        await asyncio.sleep(0.1)


def token_of(mail: SentMail) -> str:
    found = re.search(r"token=([\w.-]+)", mail.text)
    assert found is not None, mail.text
    return found.group(1)
