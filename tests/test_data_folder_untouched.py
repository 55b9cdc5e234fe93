"""The suite never touches the user's data folder (issue 8 point 7): a subset of database and
analytics tests runs in a subprocess whose LUMBUNG_HOME and working directory are a pre-populated
data folder, and that folder is byte for byte the same afterwards (tests/conftest.py points every
test at a temporary folder before Django's settings are read)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Tests that write a database, analytics tables, key files, static files and logs.
SUBSET = [
    "tests/registry/test_registry_models.py",
    "tests/imports/test_imports_analytics.py",
    "tests/registry/test_registry_keys.py::test_rotation_reencrypts_every_stored_nik",
    "tests/test_cli_failures.py::test_a_defect_names_its_log_file",
    "tests/test_security.py::test_failed_logins_lock_the_user_name_even_for_the_right_password",
]


def snapshot(folder: Path) -> dict[str, tuple[int, str]]:
    """relative path -> (mode, SHA-256) of every file and folder under ``folder``."""
    found = {}
    for path in sorted(folder.rglob("*")):
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "folder"
        found[str(path.relative_to(folder))] = (path.stat().st_mode, digest)
    return found


def _populate(home: Path) -> None:
    """A data folder as `make demo` leaves it before `serve` (no static/ yet: settings must not create it)."""
    (home / "analytics" / "year=2023").mkdir(parents=True)
    (home / "analytics" / "year=2023" / "part-0.parquet").write_bytes(b"PAR1 demo table PAR1")
    (home / "lumbung.sqlite3").write_bytes(b"SQLite format 3\x00" + bytes(4080))
    (home / "logs").mkdir()
    for name, text in (("secret_key", "demo-secret"), ("nik_keys", "demo-nik-key")):
        (home / name).write_text(text + "\n")
        (home / name).chmod(0o600)


def test_the_suite_leaves_a_populated_data_folder_unchanged(tmp_path):
    home = tmp_path / ".lumbung"
    home.mkdir()
    _populate(home)
    before = snapshot(home)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUMBUNG_")}
    env.update(LUMBUNG_HOME=str(home), PYTHONPATH=os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(ROOT),
                           "-c", str(ROOT / "pyproject.toml"), *[str(ROOT / test) for test in SUBSET]],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert snapshot(home) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".lumbung"]  # nothing written in the working folder


def test_settings_read_the_test_folder_not_the_users():
    from django.conf import settings

    # Read before any conftest.py (by pytest-django): lumbung.pytest_isolation set the folder first.
    assert Path(settings.STATIC_ROOT).parent.name.startswith("lumbung-tests-")
    assert Path(settings.CACHES["default"]["LOCATION"]).parent.name.startswith("lumbung-tests-")
