"""The README's main job (`make demo`: `lumbung init`, then `lumbung demo`) run as a user runs it:
fresh processes with nothing set up but the data folder, so a command that forgets to set Django
up fails here even when it passes under pytest (where Django is already configured)."""

from __future__ import annotations

import os
import subprocess
import sys


def _lumbung(home, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LUMBUNG_HOME": str(home)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run([sys.executable, "-m", "lumbung.cli", *args], env=env, capture_output=True, text=True,
                          timeout=600)


def test_init_then_demo_in_fresh_processes(tmp_path):
    home = tmp_path / "home"
    assert _lumbung(home, "init").returncode == 0
    demo = _lumbung(home, "demo", "--firms", "80", "--years", "2", "--seed", "3")
    assert demo.returncode == 0, demo.stderr
    assert "imported" in demo.stdout and "Traceback" not in demo.stderr
    again = _lumbung(home, "demo", "--firms", "80", "--years", "2", "--seed", "3")
    assert again.returncode == 0, again.stderr
