"""`lumbung simulate` refuses what a user can fix with one sentence and exit 2, never a traceback:
scenario files that lack parameters, have bad values, cannot be read or do not exist, and output
folders that cannot be written (checked before any run starts)."""

from __future__ import annotations

import tomllib

import pytest
from click.testing import CliRunner

from lumbung.cli import main
from lumbung.errors import UserError
from lumbung.lab import executors, scenarios
from lumbung.lab.scenarios import SCENARIO_DIR, ScenarioError

SMALL = ["--firms", "300", "--years", "1", "--runs", "1", "--executor", "serial", "--lang", "en"]


def _refused(args, tmp_path, *expected):
    result = CliRunner().invoke(main, ["simulate", *args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    message = result.output.strip().splitlines()[-1]
    for part in expected:
        assert part in message, message
    return message


def _declaring_scenario(tmp_path, drop: str):
    """The baseline's own file without `drop`: a scenario that declares its parameters."""
    text = (SCENARIO_DIR / "baseline.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert drop in data["parameters"]
    kept = [block for block in text.split("\n[") if not block.startswith(f"parameters.{drop}]")]
    path = tmp_path / "mine.toml"
    path.write_text("\n[".join(kept).replace('name = "baseline"', 'name = "mine"'), encoding="utf-8")
    return path


def test_scenario_errors_are_user_errors():
    assert issubclass(ScenarioError, UserError) and issubclass(ScenarioError, ValueError)


def test_a_scenario_that_lacks_a_parameter_is_refused_before_running(tmp_path):
    path = _declaring_scenario(tmp_path, "output_tariff_base")
    with pytest.raises(ScenarioError, match="output_tariff_base"):
        scenarios.load(path)
    message = _refused([str(path), *SMALL, "--out", str(tmp_path / "out")], tmp_path,
                       "mine.toml", "missing", "output_tariff_base", 'inherits = "baseline"')
    assert message.count(".") <= 3  # one sentence (the file name and numbers carry dots)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("body,expected", [
    ('inherits = "baseline"\n[parameters]\nbank_rate = "high"\n', "must be a number"),
    ('inherits = "baseline"\n[parameters]\nkur_access = 1.5\n', "[0, 1]"),
    ('inherits = "baseline"\n[parameters]\nbank_rat = 0.03\n', "did you mean 'bank_rate'"),
    ('inherits = "baseline"\n[[interventions]]\nname = "x"\nkind = "grant"\ntake_up = 2\n', "take_up"),
    ('inherits = "nowhere"\n', "unknown scenario 'nowhere'"),
    ("this is [not toml\n", "mine.toml"),
])
def test_bad_values_in_a_scenario_file(tmp_path, body, expected):
    path = tmp_path / "mine.toml"
    path.write_text(body, encoding="utf-8")
    _refused([str(path), *SMALL, "--out", str(tmp_path / "out")], tmp_path, expected)
    assert not (tmp_path / "out").exists()


def test_unreadable_and_missing_scenario_files(tmp_path):
    _refused([str(tmp_path / "absent.toml"), *SMALL], tmp_path, "absent.toml", "does not exist")
    (tmp_path / "folder.toml").mkdir()
    _refused([str(tmp_path / "folder.toml"), *SMALL], tmp_path, "folder.toml")
    (tmp_path / "latin1.toml").write_bytes('title = "caf\xe9"\n'.encode("latin-1"))
    _refused([str(tmp_path / "latin1.toml"), *SMALL], tmp_path, "latin1.toml")
    _refused(["baseline", "--compare", str(tmp_path / "other.toml"), *SMALL], tmp_path, "other.toml")


def test_an_output_folder_that_cannot_be_written_is_refused_before_running(tmp_path, monkeypatch):
    ran = []
    monkeypatch.setattr("lumbung.lab.experiment.run_ensemble", lambda *a, **k: ran.append(1))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    _refused(["baseline", *SMALL, "--out", str(blocker / "run")], tmp_path, "cannot write to the folder", "run")
    _refused(["baseline", *SMALL, "--out", str(blocker)], tmp_path, "a-file", "is a file")
    assert ran == []
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_an_unreachable_dask_scheduler_is_one_sentence(tmp_path, monkeypatch):
    pytest.importorskip("dask.distributed")
    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", 1)
    _refused(["baseline", *SMALL[:-4], "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9", "--lang", "en",
              "--out", str(tmp_path / "out")], tmp_path, "cannot reach the Dask scheduler", "tcp://127.0.0.1:9")
    assert not (tmp_path / "out").exists()


def test_scheduler_needs_the_dask_executor(tmp_path):
    _refused(["baseline", *SMALL, "--scheduler", "tcp://127.0.0.1:9"], tmp_path, "--scheduler", "--executor dask")
