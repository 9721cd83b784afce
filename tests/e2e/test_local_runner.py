"""The local system as the README tells a developer to run it: ports chosen by flag or
environment variable, and Ctrl-C stops it cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tests.e2e.conftest import ROOT, call, free_port


def test_ports_come_from_flags_and_environment_and_ctrl_c_stops_it() -> None:
    api, emulator, feed = free_port(), free_port(), free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "local", "--port", str(api), "--emulator-port", str(emulator)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), "LOCAL_FEED_PORT": str(feed)},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))  # as `make local &` starts it
    assert process.stdout is not None
    printed: list[str] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not printed or printed[-1].strip() != "ready"):
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        printed.append(line)
    try:
        assert printed and printed[-1].strip() == "ready", "".join(printed[-30:])
        text = "".join(printed)
        assert f"http://127.0.0.1:{api}" in text and f"127.0.0.1:{emulator}" in text and f":{feed}" in text
        assert call("GET", f"http://127.0.0.1:{api}/locations")[0] == 200
        process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        rest, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0 and "stopped" in rest
