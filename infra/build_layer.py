"""Builds the Lambda dependency layer from requirements.txt, for arm64 and Python 3.14.

pip fetches manylinux wheels for the Lambda platform (never this machine's), so the
layer works without Docker. A stamp with the hash of requirements.txt makes a rebuild
happen only when the pins change: synth and the infra tests stay fast.

    python -m infra.build_layer [--force]
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements.txt"
LAYER_DIR = ROOT / ".build" / "lambda-layer"  # the asset root; Lambda mounts it at /opt
SITE_DIR = LAYER_DIR / "python"  # /opt/python is on the runtime's sys.path
STAMP = LAYER_DIR.parent / "lambda-layer.sha256"  # outside the asset, so it never changes its hash

PIP_TARGET = ["--only-binary=:all:", "--platform", "manylinux2014_aarch64", "--python-version", "3.14",
              "--implementation", "cp"]


def requirements_hash() -> str:
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()


def is_current() -> bool:
    return SITE_DIR.is_dir() and STAMP.is_file() and STAMP.read_text().strip() == requirements_hash()


def build_layer(force: bool = False) -> Path:
    """Return the layer directory, (re)building it unless it matches requirements.txt."""
    if not force and is_current():
        return LAYER_DIR
    shutil.rmtree(LAYER_DIR, ignore_errors=True)
    SITE_DIR.mkdir(parents=True)
    # --no-compile: bytecode from this interpreter would be dead weight for 3.14.
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
         "--target", str(SITE_DIR), *PIP_TARGET, "-r", str(REQUIREMENTS)],
        check=True,
    )
    shutil.rmtree(SITE_DIR / "bin", ignore_errors=True)  # console scripts: nothing runs them in Lambda
    for cache in SITE_DIR.rglob("__pycache__"):
        shutil.rmtree(cache, ignore_errors=True)
    STAMP.write_text(requirements_hash() + "\n")
    return LAYER_DIR


if __name__ == "__main__":
    print(build_layer(force="--force" in sys.argv[1:]))
