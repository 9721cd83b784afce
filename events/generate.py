"""Writes events/schemas/*.json from the contracts; a test fails when they are stale.

Run: .venv/bin/python -m events.generate
"""

from __future__ import annotations

import json
from pathlib import Path

from events.contracts import CONSUMED, PUBLISHED, SOURCES, envelope_model

SCHEMAS = Path(__file__).parent / "schemas"


def schema_documents() -> dict[str, str]:
    documents = {}
    for detail_type in sorted(PUBLISHED | CONSUMED):
        schema = envelope_model(detail_type).model_json_schema()
        schema["$id"] = f"urn:retail:event:{detail_type}:v1"
        schema["x-eventbridge"] = {
            "source": list(SOURCES[detail_type]),
            "detail-type": detail_type,
            "direction": "published" if detail_type in PUBLISHED else "consumed",
        }
        documents[f"{detail_type}.v1.json"] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return documents


def main() -> None:
    SCHEMAS.mkdir(exist_ok=True)
    for name, text in schema_documents().items():
        (SCHEMAS / name).write_text(text)
        print(f"wrote events/schemas/{name}")


if __name__ == "__main__":
    main()
