"""Messages the system sent, as the emulator captured them (moto keeps SES and SNS sends).

Served by the local gateway at GET /_local/messages?to=<address or phone>: the way a developer
or a test reads what a customer would have received. Not part of the deployed API.
"""

from __future__ import annotations

from typing import Any

from local.provision import ACCOUNT, REGION


def captured(to: str | None = None) -> dict[str, list[dict[str, Any]]]:
    from moto.ses.models import ses_backends
    from moto.sns.models import sns_backends

    emails = [
        {"id": m.id, "to": m.destinations.get("ToAddresses", []), "subject": m.subject, "body": m.body}
        for m in list(ses_backends[ACCOUNT][REGION].sent_messages)
        if hasattr(m, "subject")
    ]
    sms = [{"id": message_id, "to": phone, "text": text}
           for message_id, (phone, text) in list(sns_backends[ACCOUNT][REGION].sms_messages.items())]
    if to:
        emails = [e for e in emails if to in e["to"]]
        sms = [s for s in sms if s["to"] == to]
    return {"emails": emails, "sms": sms}
