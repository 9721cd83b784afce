"""Messages the system sent, as the emulator captured them (moto keeps SES and SNS sends).

Served by the local gateway at GET /_local/messages?to=<address or phone>: the way a developer
or a test reads what a customer would have received. Not part of the deployed API.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from local.provision import ACCOUNT, REGION

if TYPE_CHECKING:
    from local.system import LocalSystem


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


def pushes(system: LocalSystem, location_id: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """Pushes sent to device endpoints (as SNS received them) and messages posted to the feed."""
    from moto.sns.models import sns_backends

    from shared import wiring

    devices = {d.endpoint_arn: d for d in wiring.device_store().devices_at(location_id)} if location_id else None
    sent = []
    for arn, endpoint in list(sns_backends[ACCOUNT][REGION].platform_endpoints.items()):
        if devices is not None and arn not in devices:
            continue
        sent += [{"endpoint_arn": arn, "message_id": mid, "message": json.loads(text)}
                 for mid, text in list(endpoint.messages.items())]
    feed = [p for p in (system.feed.posted if system.feed else [])
            if location_id is None or p["payload"].get("location_id") == location_id]
    return {"devices": sent, "feed": feed}
