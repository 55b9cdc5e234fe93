"""Everything a user can name is documented, under its own heading (issue 9 point 5): commands and
their options, settings, system-check ids, indicators, quality rules, size-class regimes, lab
scenarios and their parameters, template fields and published-table layouts.

Section-aware: an option counts only inside the section (heading and subsections) whose heading
names its command, so ``lumbung import`` is not documented by the section of ``lumbung import-table``.
Commands are walked from the CLI group, so commands that packages add are covered without change.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import click
import pytest

from lumbung import conf
from lumbung.cli import main

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
GENERATED = DOCS / "cli.md"  # the reference generated from --help (cog)


@dataclass
class Section:
    file: str
    level: int
    heading: str
    text: str  # the heading line, the body and every subsection


def sections(text: str, file: str = "") -> list[Section]:
    """The sections of a Markdown text (headings inside code fences do not count)."""
    lines, heads, fenced = text.splitlines(), [], False
    for number, line in enumerate(lines):
        fenced ^= line.lstrip().startswith("```")
        match = None if fenced else re.match(r"^(#{1,6})\s+(.*)$", line)
        if match:
            heads.append((number, len(match.group(1)), match.group(2)))
    found = []
    for index, (start, level, heading) in enumerate(heads):
        end = next((n for n, lvl, _ in heads[index + 1:] if lvl <= level), len(lines))
        found.append(Section(file, level, heading, "\n".join(lines[start:end])))
    return found


def handwritten() -> list[Section]:
    files = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
    return [s for f in files if f != GENERATED for s in sections(f.read_text(encoding="utf-8"), f.name)]


def section(file: str, heading: str) -> str:
    """The text of the section of ``file`` whose heading is ``heading``."""
    found = [s for s in sections((DOCS / file).read_text(encoding="utf-8"), file) if s.heading == heading]
    assert found, f"docs/{file} has no section '{heading}'"
    return found[0].text


def names_command(heading: str, path: str) -> bool:
    """The heading names `lumbung PATH` itself (not `lumbung PATH-more` nor `lumbung PATH sub`)."""
    return re.search(rf"`lumbung {re.escape(path)}(?:`|\s+[-\[A-Z<])", heading) is not None


def command_paths(group: click.Group, prefix: str = ""):
    for name, command in sorted(group.commands.items()):
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from command_paths(command, f"{prefix}{name} ")


COMMANDS = list(command_paths(click.Group(commands=main.all_commands())))


def row(text: str, key: str) -> str | None:
    """The table row of ``text`` that starts with `` | `key` | ``."""
    return next((line for line in text.splitlines() if line.startswith(f"| `{key}` |")), None)


# -- commands --------------------------------------------------------------------------------

def test_every_command_is_walked():
    assert {"classify", "init", "serve", "import", "import-table", "analytics build"} <= {p for p, _ in COMMANDS}


@pytest.mark.parametrize("path,command", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_command_has_its_own_section_with_its_options(path, command):
    own = [s for s in handwritten() if names_command(s.heading, path)]
    if isinstance(command, click.Group):  # a group is documented by its subcommands' sections too
        own += [s for s in handwritten() if f"`lumbung {path} " in s.heading]
    assert own, f"no heading names `lumbung {path}` in README.md or docs/ (write a section for it)"
    text = "\n".join(s.text for s in own)
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            longest = max(param.opts + param.secondary_opts, key=len)
            assert re.search(rf"{re.escape(longest)}(?![\w-])", text), \
                f"option {longest} of `lumbung {path}` is not in its section ({', '.join(s.file for s in own)})"


@pytest.mark.parametrize("path,command", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_command_has_help(path, command):
    assert (command.help or command.short_help or "").strip()


def test_the_section_rule_tells_commands_apart():
    assert names_command("## `lumbung import`", "import")
    assert not names_command("## `lumbung import-table`", "import")
    assert not names_command("### `lumbung analytics build`", "analytics")
    assert names_command("## The command: `lumbung classify --regime R`", "classify")
    doc = "## `lumbung import`\n`--source` here\n## `lumbung import-table`\n`--layout`\n"
    [first] = [s for s in sections(doc) if names_command(s.heading, "import")]
    assert "--source" in first.text and "--layout" not in first.text


def test_generated_cli_reference_and_command_table_are_current():
    """docs/cli.md and lumbung/cli/table.py are generated (cog); `cog -r` them after a change."""
    done = subprocess.run([sys.executable, "-m", "cogapp", "--check", str(GENERATED),
                           str(ROOT / "src" / "lumbung" / "cli" / "table.py")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (done.stdout + done.stderr)[-2000:] + "\nrun: cog -r docs/cli.md src/lumbung/cli/table.py"


# -- settings and system checks ------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(conf.SETTINGS))
def test_setting_documented(name):
    assert row(section("settings.md", "Settings"), name), f"setting {name} has no row in docs/settings.md"


CHECK_IDS = sorted({m for p in (ROOT / "src" / "lumbung").rglob("*.py")
                    for m in re.findall(r'id="(lumbung\.[EW]\d{3})"', p.read_text(encoding="utf-8"))})


def test_there_are_system_checks():
    assert {"lumbung.E001", "lumbung.E002", "lumbung.E003", "lumbung.W005"} <= set(CHECK_IDS)


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_system_check_documented(check_id):
    assert row(section("settings.md", "System checks"), check_id), f"{check_id} has no row in docs/settings.md"


# -- data: indicators, quality rules, regimes, scenarios, fields, layouts ----------------------------

def test_every_indicator_has_a_row():
    from lumbung.indicators.catalogue import catalogue

    text = section("indicators.md", "Indicators")
    missing = [i for i in catalogue() if not row(text, i)]
    assert not missing, f"not in docs/indicators.md (Indicators): {missing}"


def test_every_quality_rule_has_a_row_with_its_severity():
    from lumbung.indicators.quality import load_rules

    text = section("quality.md", "Rules")
    for rule in load_rules():
        line = row(text, rule.id)
        assert line and f"| {rule.severity} |" in line, f"quality rule {rule.id} (docs/quality.md, Rules)"


def test_every_regime_has_its_heading():
    from lumbung.sizeclass.regime import regimes

    headings = [s.heading for s in sections((DOCS / "sizeclass.md").read_text(encoding="utf-8"))]
    for regime in regimes(include_variants=True):
        assert any(h.startswith(f"`{regime.id}`") for h in headings), f"regime {regime.id} (docs/sizeclass.md)"


def test_every_scenario_is_described():
    from lumbung.lab import scenarios

    text = section("lab.md", "Scenarios")
    for name in scenarios.names():
        assert row(text, name), f"scenario {name} (docs/lab.md, Scenarios)"


def test_every_parameter_is_in_the_table_with_its_value():
    from lumbung.lab import scenarios

    text = section("lab.md", "Parameters")
    for p in scenarios.load("baseline").parameters.values():
        line = row(text, p.name)
        assert line is not None, f"parameter {p.name} is missing from docs/lab.md"
        assert f"| {p.value:g} |" in line, f"docs/lab.md shows a stale value for {p.name}"


def _fields():
    from lumbung.vocabulary import TEMPLATE_FIELDS

    return TEMPLATE_FIELDS


@pytest.mark.parametrize("field", _fields(), ids=lambda f: f.name)
def test_template_column_and_aliases_in_the_import_docs(field):
    line = row(section("import.md", "The columns"), field.name)
    assert line is not None, f"{field.name} has no row in docs/import.md (The columns)"
    for alias in field.aliases:
        assert alias in line, f"alias {alias} of {field.name} is not documented"


@pytest.mark.parametrize("field", _fields(), ids=lambda f: f.name)
def test_field_in_the_registry_docs_with_its_indonesian_label(field):
    rows = [row(s.text, field.name) for s in sections((DOCS / "registry.md").read_text(encoding="utf-8"))]
    rows = [r for r in rows if r]
    assert rows, f"{field.name} has no row in docs/registry.md"
    assert field.label_id in rows[0]
    if field.unit and field.unit != "Kemendagri code":
        assert field.unit in rows[0]


def test_every_layout_and_its_keys_are_described():
    from lumbung.indicators.published import LAYOUT_DIR, layout_names

    text = section("indicators.md", "Published tables")
    for name in layout_names():
        assert f"`{name}`" in text, f"layout {name} (docs/indicators.md, Published tables)"
        keys = tomllib.loads((LAYOUT_DIR / f"{name}.toml").read_text(encoding="utf-8"))
        for key, value in keys.items():
            shown = f"[[{key}]]" if isinstance(value, list) and value and isinstance(value[0], dict) else \
                f"[{key}]" if isinstance(value, dict) else key
            assert f"`{shown}`" in text or f"`{key}`" in text, f"layout key {key} of {name} is not described"
