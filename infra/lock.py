"""Writes requirements.lock: every package the Lambda layer holds, pinned, with its wheel's hash.

pip resolves requirements.txt for the Lambda platform (arm64, CPython 3.14, glibc of
Amazon Linux 2023), not for this machine, and reports the exact wheel it chose for every
package of the whole tree. The layer is then installed from the lock with --require-hashes,
so it is the same on every day and every machine until someone runs this again.

    python -m infra.lock        (make lock)
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements.txt"
LOCK = ROOT / "requirements.lock"

# The Lambda python3.14 runtime runs Amazon Linux 2023 (glibc 2.34): every manylinux wheel for arm64
# up to that is fine (manylinux2014 = 2_17, ..., 2_28, ..., 2_34). pip expands only the legacy
# manylinux2014 tag by itself, so each newer glibc level is named.
GLIBC_MINORS = range(34, 17, -1)
PLATFORMS = [*(f"manylinux_2_{minor}_aarch64" for minor in GLIBC_MINORS), "manylinux2014_aarch64"]
PIP_TARGET = ["--only-binary=:all:", *(arg for tag in PLATFORMS for arg in ("--platform", tag)),
              "--python-version", "3.14", "--implementation", "cp"]
HEADER = ("# The Lambda layer's whole dependency tree for arm64 / CPython 3.14, one wheel hash each.\n"
          "# Generated from requirements.txt by `make lock` (python -m infra.lock): do not edit by hand.\n")


def resolve() -> list[tuple[str, str, str]]:
    """(name, version, sha256) of each package pip would install for the Lambda platform."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--dry-run",
             "--ignore-installed", "--target", str(Path(scratch) / "target"), "--report", str(report),
             *PIP_TARGET, "-r", str(REQUIREMENTS)],
            check=True,
        )
        installs = json.loads(report.read_text())["install"]
    pinned = []
    for entry in installs:
        algorithm, _, digest = entry["download_info"]["archive_info"]["hash"].partition("=")
        if algorithm != "sha256":
            raise RuntimeError(f"{entry['metadata']['name']}: pip reported a {algorithm} hash, not sha256")
        pinned.append((canonical(entry["metadata"]["name"]), entry["metadata"]["version"], digest))
    return sorted(pinned)


def canonical(name: str) -> str:
    """PEP 503 name: lower case, runs of - _ . as one -."""
    out = name.lower()
    for separator in ("_", "."):
        out = out.replace(separator, "-")
    while "--" in out:
        out = out.replace("--", "-")
    return out


def render(pinned: list[tuple[str, str, str]]) -> str:
    return HEADER + "".join(f"{name}=={version} \\\n    --hash=sha256:{digest}\n" for name, version, digest in pinned)


def main() -> None:
    LOCK.write_text(render(resolve()))
    print(LOCK)


if __name__ == "__main__":
    main()
