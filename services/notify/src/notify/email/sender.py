"""Send one e-mail over SMTP (aiosmtplib), Chinese subject and body in UTF-8."""

from __future__ import annotations

from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import aiosmtplib

from notify.config import NotifySettings
from notify.webhooks.sender import MAX_ERROR, SendResult


def build_message(
    *, sender: str, to: str, subject: str, text: str, msg_id: str, now: datetime
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = Address(display_name="巡察工作平台", addr_spec=sender)
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(idstring=msg_id.replace("-", ""))
    # A stable id a mail system can dedupe on, the same on every retry.
    message["X-Xuncha-Delivery-Id"] = msg_id
    message.set_content(text, charset="utf-8")
    return message


async def send_email(
    settings: NotifySettings, *, to: str, subject: str, text: str, msg_id: str, now: datetime
) -> SendResult:
    assert settings.smtp_host is not None
    message = build_message(
        sender=settings.smtp_from, to=to, subject=subject, text=text, msg_id=msg_id, now=now
    )
    try:
        await aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
            use_tls=settings.smtp_tls == "tls",
            start_tls=settings.smtp_tls == "starttls",
            timeout=settings.smtp_timeout_seconds,
        )
    except (aiosmtplib.SMTPException, OSError) as exc:
        code = getattr(exc, "code", None)
        return SendResult(
            ok=False,
            status_code=code if isinstance(code, int) else None,
            error=f"{type(exc).__name__}: {exc}"[:MAX_ERROR],
        )
    return SendResult(ok=True, status_code=250)
