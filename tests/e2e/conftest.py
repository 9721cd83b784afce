"""End-to-end tier: the local system as a developer runs it (a subprocess), used over HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Running:
    base_url: str
    emulator_url: str

    def aws(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=self.emulator_url, region_name="eu-west-1",
                            aws_access_key_id="local", aws_secret_access_key="local")


def call(method: str, url: str, body: Any = None, token: str | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, Any, dict[str, str]]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", f"Bearer {token}")
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null"), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null"), dict(error.headers)


@contextmanager
def local_system(environment: dict[str, str] | None = None) -> Iterator[Running]:
    """The local system in a subprocess, with ``environment`` on top of this one's."""
    port, emulator_port = free_port(), free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "local", "--seed", "--port", str(port), "--emulator-port", str(emulator_port)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **(environment or {})}, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )
    lines: list[str] = []
    deadline = time.monotonic() + 120
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        lines.append(line)
        if line.strip() == "ready":
            break
    else:
        process.kill()
    if not lines or lines[-1].strip() != "ready":
        process.kill()
        pytest.fail("local system did not start:\n" + "".join(lines[-40:]))
    os.set_blocking(process.stdout.fileno(), False)  # the system keeps logging; never block on it
    try:
        yield Running(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{emulator_port}")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def system() -> Iterator[Running]:
    with local_system() as running:
        yield running


@pytest.fixture(scope="session")
def tokens() -> dict[str, str]:
    from local.auth import issue_token

    return {
        "admin": issue_token("admin", "e2e-admin"),
        "erp": issue_token("integration", "e2e-erp"),
        "staff-utrecht": issue_token("staff", "e2e-anna", "utrecht-oudegracht"),
        "customer": issue_token("customer", "e2e-customer"),
    }
