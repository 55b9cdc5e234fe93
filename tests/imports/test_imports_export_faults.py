"""Export faults (issue 8.8 and 8.15): an output folder that does not exist, and a disk that fills
up during the export. One clear sentence, exit 2, and never a half-written file under the final name."""

from __future__ import annotations

import hashlib
import resource
import signal
import subprocess

import pytest
from click.testing import CliRunner
from imports_processes import finish, run
from imports_samples import row, write_csv

from lumbung.cli import main
from lumbung.errors import UserError
from lumbung.registry.export import export

pytestmark = pytest.mark.django_db
LIMIT = 64 * 1024  # bytes: the tiny folder, or the file size limit


@pytest.mark.parametrize("command", ["export", "template"])
def test_out_into_a_missing_folder_is_one_sentence_and_exit_2(tmp_path, command):
    result = CliRunner().invoke(main, [command, "--out", str(tmp_path / "nowhere" / "file.csv")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "nowhere" in result.output and "does not exist" in result.output
    assert not (tmp_path / "nowhere").exists()
    with pytest.raises(UserError, match="does not exist"):
        export(tmp_path / "nowhere" / "file.csv")


@pytest.fixture
def tiny_folder(tmp_path):
    """A 64 KiB tmpfs when this process may mount one (root); else None (then the file size limit
    RLIMIT_FSIZE stands in for the full disk)."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={LIMIT}", "tmpfs", str(folder)],
                             capture_output=True).returncode == 0
    yield folder if mounted else None
    if mounted:
        subprocess.run(["umount", str(folder)], check=True)


def _big_registry(url, home, tmp_path):
    """2,000 rows with names that do not compress: every export format is larger than 64 KiB."""
    path = write_csv(tmp_path / "big.csv", [
        row(source_id=f"E{i:05d}", nib="", owner_nik="", year=str(2020 + y),
            name=hashlib.sha256(str(i).encode()).hexdigest(), owner_name=hashlib.sha1(str(i).encode()).hexdigest())
        for i in range(1000) for y in range(2)])
    assert finish(run(["init"], url, home))[0] == 0
    assert finish(run(["import", str(path), "--no-analytics"], url, home))[0] == 0


def _limit_file_size():
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
@pytest.mark.parametrize("full", ["tmpfs", "file-size-limit"])
def test_a_full_disk_during_an_export_leaves_no_file_and_says_so(tmp_path, fresh_database, tiny_folder, suffix,
                                                                 full):
    url, home = fresh_database("full"), tmp_path / "home"
    _big_registry(url, home, tmp_path)
    if full == "file-size-limit":
        tiny_folder = None
    folder = tiny_folder or tmp_path / "limited"
    folder.mkdir(exist_ok=True)
    (folder / f"old{suffix}").write_bytes(b"an earlier export")  # must survive untouched
    target = folder / f"old{suffix}"
    limit = None if tiny_folder else _limit_file_size
    code, out = finish(run(["export", "--out", str(target)], url, home, preexec_fn=limit))
    assert code == 2, out
    assert "Traceback" not in out and "could not write" in out and "nothing was written" in out, out
    assert sorted(p.name for p in folder.iterdir()) == [f"old{suffix}"]  # no temporary file left
    assert target.read_bytes() == b"an earlier export"
    # With room, the same command writes the whole file.
    code, out = finish(run(["export", "--out", str(tmp_path / f"whole{suffix}")], url, home))
    assert code == 0 and "2000 rows written" in out and (tmp_path / f"whole{suffix}").stat().st_size > LIMIT
