"""Builds the Lambda dependency layer from requirements.lock, for arm64 and Python 3.14.

pip fetches exactly the manylinux wheels the lock names (whole tree, each with its hash,
--require-hashes: nothing unpinned, nothing resolved today) for the Lambda platform, never
this machine's, so the layer works without Docker and is the same every day. A stamp with
the hash of the lock makes a rebuild happen only when the lock changes: synth and the infra
tests stay fast (and offline once built; `make setup` builds it).

    python -m infra.build_layer [--force]
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from infra.lock import PIP_TARGET, ROOT

LOCK = ROOT / "requirements.lock"  # written from requirements.txt by `make lock` (infra/lock.py)
LAYER_DIR = ROOT / ".build" / "lambda-layer"  # the asset root; Lambda mounts it at /opt
SITE_DIR = LAYER_DIR / "python"  # /opt/python is on the runtime's sys.path
STAMP = LAYER_DIR.parent / "lambda-layer.sha256"  # outside the asset, so it never changes its hash


def requirements_hash() -> str:
    return hashlib.sha256(LOCK.read_bytes()).hexdigest()


def pip_command() -> list[str]:
    """Only the locked wheels, each checked against its hash; no resolving of dependencies."""
    return [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
            "--require-hashes", "--no-deps", "--target", str(SITE_DIR), *PIP_TARGET, "-r", str(LOCK)]


def is_current() -> bool:
    return SITE_DIR.is_dir() and STAMP.is_file() and STAMP.read_text().strip() == requirements_hash()


def build_layer(force: bool = False) -> Path:
    """Return the layer directory, (re)building it unless it matches requirements.lock."""
    if not force and is_current():
        return LAYER_DIR
    shutil.rmtree(LAYER_DIR, ignore_errors=True)
    SITE_DIR.mkdir(parents=True)
    # --no-compile: bytecode from this interpreter would be dead weight for 3.14.
    subprocess.run(pip_command(), check=True)
    shutil.rmtree(SITE_DIR / "bin", ignore_errors=True)  # console scripts: nothing runs them in Lambda
    for cache in SITE_DIR.rglob("__pycache__"):
        shutil.rmtree(cache, ignore_errors=True)
    STAMP.write_text(requirements_hash() + "\n")
    return LAYER_DIR


if __name__ == "__main__":
    print(build_layer(force="--force" in sys.argv[1:]))
