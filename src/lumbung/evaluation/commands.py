"""CLI command of lumbung.evaluation: ``lumbung evaluate`` (docs/evaluation.md).

A thin wrapper over ``lumbung.programs.evaluate_source.evaluate_program``, which reads the
registry and the program's enrolments and calls :func:`lumbung.evaluation.evaluate`.
"""

from __future__ import annotations

import json

import click

from lumbung.i18n import _

#: lumbung.evaluation.OUTCOMES (not imported: the package loads Polars and statsmodels)
OUTCOME_IDS = ("va_per_worker", "value_added", "output", "sales", "workers")


def _number(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:+.1f}%"


def _text(result: dict) -> str:
    lines = [
        _("{program} on {outcome} ({unit}), years {years}").format(
            program=result["program"], outcome=result["outcome"], unit=result["unit"],
            years=", ".join(map(str, result["years"]))),
        _("estimate {estimate} ({level:.0%} interval {low} to {high}), relative {relative} ({rlow} to {rhigh})").format(
            estimate=_number(result["estimate"]), level=result["level"], low=_number(result["ci_low"]),
            high=_number(result["ci_high"]), relative=_share(result["relative_estimate"]),
            rlow=_share(result["relative_ci_low"]), rhigh=_share(result["relative_ci_high"])),
        _("naive comparison {naive} (relative {relative})").format(
            naive=_number(result["naive_estimate"]), relative=_share(result["naive_relative"])),
        _("{participants} participants, {matched} matched to {controls} non-participants; dropped: {dropped}").format(
            participants=result["participants"], matched=result["matched"], controls=result["controls"],
            dropped=", ".join(f"{k} {v}" for k, v in result["dropped"].items())),
        _("event study (difference from the year before enrolment):"),
    ]
    for row in result["event_study"]:
        lines.append(f"  {row['event_time']:+d}  {_number(row['estimate'])}  [{_number(row['ci_low'])}, "
                     f"{_number(row['ci_high'])}]  n={row['participants']}")
    lines.append(_("balance (standardised mean differences, before -> after matching):"))
    for row in result["balance"]:
        lines.append(f"  {row['covariate']:<16} {_number(row['smd_before'], 3):>8} -> {_number(row['smd_after'], 3)}")
    lines.append(_("assumptions:"))
    for item in result["assumptions"]:
        lines.append(f"  - {item['text']} {item['check']}".rstrip())
    lines.append(_("method: {method}").format(method=result["method"]))
    return "\n".join(lines)


def _require_registry() -> None:
    """One sentence instead of a database traceback when ``lumbung init`` has not run."""
    from lumbung import setup_django
    from lumbung.errors import UserError

    setup_django()
    from django.db import connection

    from lumbung.programs.models import Enrolment

    if Enrolment._meta.db_table not in connection.introspection.table_names():
        raise UserError(_("the registry database has no tables yet: run `lumbung init` first"))


@click.command("evaluate")
@click.option("--program", "program", required=True, metavar="ID", help="Program id (slug), e.g. kur.")
@click.option("--outcome", "outcome", required=True, metavar="INDICATOR",
              help="Firm-level outcome: " + ", ".join(OUTCOME_IDS) + ".")
@click.option("--years", "years", default=None, metavar="YEARS",
              help="Only these years of the registry, e.g. 2021-2025 or 2021,2022 (default: every year).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
def evaluate_command(program: str, outcome: str, years: str | None, as_json: bool) -> None:
    """Impact of a program on an outcome: participants against matched non-participants, difference in differences."""
    from lumbung.evaluation import get_outcome, parse_years
    get_outcome(outcome)
    chosen_years = parse_years(years)
    _require_registry()
    from lumbung.programs.evaluate_source import evaluate_program

    result = evaluate_program(program, outcome, years=chosen_years).to_dict()
    click.echo(json.dumps(result, ensure_ascii=False) if as_json else _text(result))


commands: list = [evaluate_command]
