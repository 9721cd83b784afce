"""The Lambda layer is built from a lock of its whole dependency tree, every wheel by its hash."""

from __future__ import annotations

import re
from importlib.metadata import distributions

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from infra.build_layer import LOCK, SITE_DIR, build_layer, pip_command
from infra.lock import PIP_TARGET, REQUIREMENTS

pytestmark = pytest.mark.infra

ENTRY = re.compile(r"^(?P<name>[a-z0-9-]+)==(?P<version>\S+) \\\n    --hash=sha256:(?P<digest>[0-9a-f]{64})$")
# Where the markers of a dependency are evaluated: the Lambda runtime, not this machine.
LAMBDA = {"python_version": "3.14", "python_full_version": "3.14.0", "sys_platform": "linux",
          "platform_system": "Linux", "platform_machine": "aarch64", "os_name": "posix",
          "implementation_name": "cpython", "platform_python_implementation": "CPython"}


def _lock() -> dict[str, str]:
    body = [chunk for chunk in re.split(r"\n(?=\S)", LOCK.read_text().strip()) if not chunk.startswith("#")]
    pins = {}
    for chunk in body:
        match = ENTRY.match(chunk)
        assert match, f"not `name==version --hash=sha256:...`: {chunk!r}"
        assert match["name"] not in pins, f"{match['name']} locked twice"
        pins[match["name"]] = match["version"]
    return pins


def _requirements() -> list[Requirement]:
    lines = (line.split("#", 1)[0].strip() for line in REQUIREMENTS.read_text().splitlines())
    return [Requirement(line) for line in lines if line]


def test_every_entry_is_pinned_with_one_sha256_hash() -> None:
    assert len(_lock()) >= len(_requirements())


def test_lock_pins_every_requirement_at_its_version() -> None:
    pins = _lock()
    for requirement in _requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is in requirements.txt but not in requirements.lock (make lock)"
        assert requirement.specifier.contains(pins[name]), f"{name}: lock {pins[name]}, wants {requirement.specifier}"


def test_lock_holds_the_whole_tree_for_the_lambda_platform() -> None:
    """Every dependency (with the extras asked for) of every locked package is locked too."""
    pins = _lock()
    extras = {canonicalize_name(r.name): r.extras for r in _requirements()}
    build_layer()  # current already (the synth of this session built it), else built from the lock
    installed = {canonicalize_name(d.metadata["Name"]): d for d in distributions(path=[str(SITE_DIR)])}
    assert {name: dist.version for name, dist in installed.items()} == pins
    for name, dist in installed.items():
        for raw in dist.requires or []:
            needed = Requirement(raw)
            wanted = ["", *sorted(extras.get(name, ()))]
            if needed.marker and not any(needed.marker.evaluate({**LAMBDA, "extra": e}) for e in wanted):
                continue
            dep = canonicalize_name(needed.name)
            assert dep in pins, f"{name} needs {needed.name}, which is not locked"
            assert needed.specifier.contains(pins[dep], prereleases=True), f"{name} needs {needed}"


def test_layer_installs_only_the_locked_wheels_for_arm64() -> None:
    command = pip_command()
    assert {"--require-hashes", "--no-deps", "--only-binary=:all:"} <= set(command)
    assert command[-2:] == ["-r", str(LOCK)]
    platforms = {PIP_TARGET[i + 1] for i, arg in enumerate(PIP_TARGET) if arg == "--platform"}
    assert platforms and all(p.endswith("_aarch64") for p in platforms)
    assert {"manylinux2014_aarch64", "manylinux_2_28_aarch64", "manylinux_2_34_aarch64"} <= platforms
