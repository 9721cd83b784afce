"""Put an event file (EventBridge shape, as in events/samples/) on the local bus.

python -m local.put_event events/samples/SaleRecorded.json [--emulator http://127.0.0.1:5005]
(the emulator's port defaults to LOCAL_EMULATOR_PORT, as for ``python -m local``)
The event gets a fresh metadata.event_id unless --keep-id is given (then a resend is a duplicate).
"""

from __future__ import annotations

import argparse
import json
import os
import uuid
from pathlib import Path

import boto3


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m local.put_event", description=__doc__)
    parser.add_argument("file", type=Path)
    port = os.environ.get("LOCAL_EMULATOR_PORT", "").strip() or "5005"
    parser.add_argument("--emulator", default=f"http://127.0.0.1:{port}")
    parser.add_argument("--keep-id", action="store_true")
    args = parser.parse_args()
    event = json.loads(args.file.read_text())
    if not args.keep_id:
        event["detail"]["metadata"]["event_id"] = str(uuid.uuid4())
    events = boto3.client("events", endpoint_url=args.emulator, region_name="eu-west-1",
                          aws_access_key_id="local", aws_secret_access_key="local")  # noqa: S106 - emulator
    result = events.put_events(Entries=[{"EventBusName": "retail", "Source": event["source"],
                                         "DetailType": event["detail-type"], "Detail": json.dumps(event["detail"])}])
    print(json.dumps({"failed": result["FailedEntryCount"], "event_id": event["detail"]["metadata"]["event_id"]}))


if __name__ == "__main__":
    main()
