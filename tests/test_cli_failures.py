"""No traceback reaches a user (issue 8 point 8): every registered command, run with bad
arguments, prints one sentence and exits 2; a defect names its log file and exits 1.

The commands are walked from the group, so commands that other packages add are covered too."""

from __future__ import annotations

import socket
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from lumbung.cli import main

COMMANDS = main.all_commands()
BAD_STRING = "no-such-thing.invalid"  # .invalid never resolves (RFC 2606)


def _is_output(param: click.Parameter) -> bool:
    return any(part in (param.name or "") for part in ("out", "errors"))


def _int_values(kind: click.ParamType) -> list[str]:
    values = ["abc", "1.5"]
    if isinstance(kind, click.IntRange):
        values += [str(kind.min - 1)] if kind.min is not None else []
        values += [str(kind.max + 1)] if kind.max is not None else []
    return values


def _path_values(param: click.Parameter, folder) -> list[str]:
    """Paths that are wrong for this parameter: never a value the command would accept."""
    kind = param.type
    missing_folder = folder / "missing-folder" / "file.csv"
    empty = folder / "empty.csv"
    empty.write_text("")
    values = []
    if kind.dir_okay and not kind.file_okay:  # a folder expected: give a file
        values.append(str(empty))
    if kind.file_okay and not kind.dir_okay:  # a file expected: give a folder
        values.append(str(folder))
    if kind.exists or not kind.dir_okay:
        values.append(str(missing_folder))  # an output may create its folder: exit 0 is fine then
    if not _is_output(param) and kind.file_okay:
        values.append(str(empty))
    return values


def bad_values(param: click.Parameter, folder) -> list[str]:
    """Values that each must be refused by the command (a set per parameter type)."""
    kind = param.type
    if isinstance(kind, click.Path):
        return _path_values(param, folder)
    if isinstance(kind, click.Choice):
        return [BAD_STRING]
    if isinstance(kind, (click.types.IntParamType, click.IntRange)):
        return _int_values(kind)
    if isinstance(kind, (click.types.FloatParamType, click.FloatRange)):
        return ["abc"]
    if isinstance(param, click.Argument) and kind is click.STRING:
        return [BAD_STRING]
    return []


def _invocations(name: str, command: click.Command, folder) -> list[list[str]]:
    runs = [[name, "--no-such-option"]]
    for param in command.params:
        if isinstance(param, click.Option) and param.is_flag:
            continue
        for value in bad_values(param, folder):
            runs.append([name, value] if isinstance(param, click.Argument) else [name, param.opts[0], value])
    if isinstance(command, click.Group):
        runs.append([name, "no-such-subcommand"])
        for sub_name, sub in command.commands.items():
            runs += [[name, *args] for args in _invocations(sub_name, sub, folder)]
    return runs


def _creates_folder(args) -> bool:
    """An output file in a missing folder: creating the folder (exit 0) is as good as a sentence."""
    return len(args) >= 3 and "missing-folder" in args[-1] and args[-2] in ("--out", "--errors")


def _assert_one_sentence(result, args):
    shown = f"lumbung {' '.join(args)} -> {result.exit_code}:\n{result.output}"
    assert "Traceback" not in result.output, shown
    if _creates_folder(args) and result.exit_code == 0:
        return
    assert result.exit_code == 2, shown
    assert "Error" in result.output or "Kesalahan" in result.output, shown


def test_every_command_is_walked():
    assert {"init", "serve", "import", "export", "template", "simulate", "classify"} <= set(COMMANDS)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_bad_arguments_give_one_sentence_and_exit_2(name, tmp_path):
    runner = CliRunner()
    runs = _invocations(name, COMMANDS[name], tmp_path)
    assert runs
    for args in runs:
        _assert_one_sentence(runner.invoke(main, args, catch_exceptions=False), args)


@pytest.mark.django_db
@pytest.mark.parametrize("args", [
    ["template", "--out", "{tmp}/missing/template.csv"],
    ["export", "--out", "{tmp}/missing/export.csv"],
    ["import", "{tmp}/missing.csv"],
    ["import", "{tmp}/empty.csv"],
    ["import-table", "{tmp}/empty.csv", "--layout", "bps-imk-province"],
    ["simulate", "{tmp}/partial.toml", "--runs", "1", "--firms", "20", "--years", "1", "--executor", "serial"],
    ["no-such-command"],
], ids=lambda args: " ".join(args))
def test_reported_incidents(args, tmp_path):
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "partial.toml").write_text('name = "partial"\n[parameters]\noutput_elasticity = 0.5\n')
    args = [arg.format(tmp=tmp_path) for arg in args]
    _assert_one_sentence(CliRunner().invoke(main, args, catch_exceptions=False), args)


def test_message_in_the_users_language(tmp_path, monkeypatch):
    monkeypatch.setenv("LUMBUNG_LANGUAGE", "id")
    result = CliRunner().invoke(main, ["template", "--out", str(tmp_path / "missing" / "t.csv")],
                                catch_exceptions=False)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "tidak ada" in result.output  # the sentence in Indonesian (click keeps its "Error:" prefix)


def test_a_defect_names_its_log_file(lumbung_home, monkeypatch):
    command = main.get_command(None, "template")

    def broken(**_values):
        raise RuntimeError("a deliberate defect")

    monkeypatch.setattr(command, "callback", broken)
    result = CliRunner().invoke(main, ["template", "--out", str(lumbung_home / "t.csv")], catch_exceptions=False)
    assert result.exit_code == 1 and "Traceback" not in result.output
    logs = list((lumbung_home / "logs").glob("lumbung-*.log"))
    assert len(logs) == 1 and str(logs[0]) in result.output
    assert "RuntimeError: a deliberate defect" in logs[0].read_text()


def test_interrupt_is_one_sentence(monkeypatch, tmp_path):
    command = main.get_command(None, "template")

    def interrupted(**_values):
        raise KeyboardInterrupt

    monkeypatch.setattr(command, "callback", interrupted)
    result = CliRunner().invoke(main, ["template", "--out", str(tmp_path / "t.csv")], catch_exceptions=False)
    assert result.exit_code == 2 and "Interrupted" in result.output and "Traceback" not in result.output


def test_busy_port_is_one_sentence(tmp_path):
    """`serve` on a port another program holds (in a subprocess: serve would otherwise keep running)."""
    env = {"LUMBUNG_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)}
    launch = "from lumbung.cli import main; main()"
    assert subprocess.run([sys.executable, "-c", launch, "init"], env=env, capture_output=True,
                          timeout=120).returncode == 0
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = subprocess.run([sys.executable, "-c", launch, "serve", "--port", str(port)], env=env,
                              capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "already in use" in done.stderr


def test_a_nik_in_a_message_is_masked(monkeypatch, lumbung_home):
    from lumbung.errors import UserError

    command = main.get_command(None, "template")

    def refuses(**_values):
        raise UserError("column nib holds 3204011234560001, not a NIB")

    monkeypatch.setattr(command, "callback", refuses)
    result = CliRunner().invoke(main, ["template", "--out", str(lumbung_home / "t.csv")], catch_exceptions=False)
    assert result.exit_code == 2 and "3204011234560001" not in result.output and "3204********0001" in result.output

    def crashes(**_values):
        raise RuntimeError("row 3204011234560001")

    monkeypatch.setattr(command, "callback", crashes)
    CliRunner().invoke(main, ["template", "--out", str(lumbung_home / "t.csv")], catch_exceptions=False)
    [log] = (lumbung_home / "logs").glob("*.log")
    assert "3204011234560001" not in log.read_text() and "3204********0001" in log.read_text()
