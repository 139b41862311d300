"""Send one e-mail over SMTP (aiosmtplib), Chinese subject and body in UTF-8.

Header-bound values (the subject, display names, the address) come from records: an org's
name, a round's title. By the one-line header rule (:func:`one_line_header_value`) every
control character in them, CR and LF first, becomes a space before the ``email`` package
sees it, so no record can end a header and start another (``\r\nBcc: …``), and none can
make the message unbuildable and stop the mail for everyone else.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import aiosmtplib

from notify.config import NotifySettings
from notify.webhooks.sender import MAX_ERROR, SendResult

# C0 controls (CR, LF, TAB among them), DEL, C1 controls and the Unicode line and paragraph
# separators, which some mail programs also break lines at.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line_header_value(value: str) -> str:
    """The one-line header rule: runs of control characters become one space."""
    return _CONTROL.sub(" ", value).strip()


def build_message(
    *, sender: str, to: str, subject: str, text: str, msg_id: str, now: datetime
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = Address(display_name="巡察工作平台", addr_spec=sender)
    # One address, parsed as such: a list smuggled into it fails this delivery alone.
    message["To"] = Address(addr_spec=one_line_header_value(to))
    message["Subject"] = one_line_header_value(subject)
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
