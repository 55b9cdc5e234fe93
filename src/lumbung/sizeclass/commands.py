"""``lumbung classify``: the size class of one business under one regime (mirrors
:func:`lumbung.sizeclass.classify`); ``lumbung classify --list`` lists the regimes."""

from __future__ import annotations

import json

import click

from lumbung.i18n import _, language
from lumbung.sizeclass.engine import Classification, Decision, Disagreement, classify
from lumbung.sizeclass.inputs import FIELDS, parse_rupiah
from lumbung.sizeclass.labels import label
from lumbung.sizeclass.regime import Regime, get_regime, regimes


class Rupiah(click.ParamType):
    """Whole rupiah: 1500000, 1.500.000, Rp1.500.000 or 1.5e6 (see inputs.parse_rupiah)."""

    name = "RP"

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        try:
            return parse_rupiah(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)


class Workers(click.ParamType):
    name = "N"

    def convert(self, value, param, ctx):
        text = str(value).strip()
        if not text.isdigit() or int(text) < 1:
            self.fail(_("{value!r} is not a number of persons (a whole number of at least 1: "
                        "the owner counts)").format(value=value), param, ctx)
        return int(text)


def _money(value: float) -> str:
    return "Rp" + f"{int(value):,}".replace(",", ".")


def _value(criterion: str, value) -> str:
    kind = FIELDS[criterion].kind
    if kind == "money":
        return _money(value)
    if kind == "flag":
        return _("yes") if value else _("no")
    return str(int(value))


NEGATION = {"<=": ">", "<": ">=", ">=": "<", ">": "<="}


def _comparison(decision: Decision, lang: str, failed: bool = False) -> str:
    """``net assets Rp40.000.000 <= Rp50.000.000``; with ``failed`` the comparison that held
    instead (the rule wanted ``>``, the value is ``<=``)."""
    name = FIELDS[decision.criterion].label(lang)
    if decision.comparison == "is":
        return f"{name}: {_value(decision.criterion, decision.value)}"
    op = NEGATION[decision.comparison] if failed else decision.comparison
    return (f"{name} {_value(decision.criterion, decision.value)} {op} "
            f"{_value(decision.criterion, decision.threshold)}")


def _band(item: Disagreement) -> str:
    parts = []
    if item.lower is not None:
        parts.append(f"> {_value(item.criterion, item.lower)}")
    if item.upper is not None:
        parts.append(f"{'<=' if item.upper_inclusive else '<'} {_value(item.criterion, item.upper)}")
    return ", ".join(parts)


def _explain(result: Classification, regime: Regime, lang: str) -> str:
    name = label(result.size_class, lang)
    lines = [f"{regime.short} ({regime.id}): {regime.law}, {regime.article}",
             _("Class: {name}").format(name=name if name == result.size_class else f"{name} ({result.size_class})")]
    if result.decided_by:
        joint = [_comparison(d, lang) for d in result.decided_by.jointly]
        lines.append(_("Decided by: {comparison}").format(comparison=_comparison(result.decided_by, lang))
                     + (_(" (together with: {others})").format(others="; ".join(joint)) if joint else ""))
    for size_class, blockers in result.ruled_out:
        lines.append(_("Not {name}: {reasons}").format(
            name=label(size_class, lang), reasons="; ".join(_comparison(d, lang, failed=True) for d in blockers)))
    for item in result.disagreements:
        names = "/".join(label(key, lang) for key in item.classes)
        lines.append(_("Disagreement: {criterion} {value} alone gives {classes} ({band})").format(
            criterion=FIELDS[item.criterion].label(lang), value=_value(item.criterion, item.value),
            classes=names, band=_band(item)))
    missing = ", ".join(FIELDS[name].label(lang) for name in result.missing) or _("none")
    lines.append(_("Missing: {fields}").format(fields=missing))
    if result.undecided_by:
        lines.append(_("The class stays unknown until these are known: {fields}").format(
            fields=", ".join(FIELDS[name].label(lang) for name in result.undecided_by)))
    lines.append(_("Rule: {note}").format(note=regime.combination_note))
    return "\n".join(lines)


def _listing(lang: str) -> str:
    lines = []
    for regime in regimes(include_variants=True):
        since = regime.in_force_from.isoformat() if regime.in_force_from else "-"
        until = regime.in_force_until.isoformat() if regime.in_force_until else "-"
        variant = _(" (variant of {id})").format(id=regime.variant_of) if regime.variant_of else ""
        lines.append(f"{regime.id}{variant}\n  {regime.name(lang)}\n  {regime.law}, {regime.article}\n"
                     + _("  in force: {since} to {until}; classes: {classes}").format(
                         since=since, until=until,
                         classes=", ".join(label(k, lang) for k in regime.classes)))
    return "\n".join(lines)


REGIME_CHOICES = [regime.id for regime in regimes(include_variants=True)]


@click.command("classify")
@click.option("--regime", "regime_id", type=click.Choice(REGIME_CHOICES), metavar="R",
              help="Regime id (see --list): " + ", ".join(REGIME_CHOICES) + ".")
@click.option("--workers", type=Workers(), help="Persons engaged, owner and unpaid family included.")
@click.option("--sales", type=Rupiah(), help="Annual sales in rupiah (hasil penjualan tahunan).")
@click.option("--assets", type=Rupiah(), help="Net assets excluding land and buildings (kekayaan bersih).")
@click.option("--capital", type=Rupiah(), help="Business capital excluding land and buildings (modal usaha).")
@click.option("--investment", type=Rupiah(), help="Investment excluding land and buildings (nilai investasi).")
@click.option("--indonesian-owned/--foreign-owned", "indonesian_owned", default=None,
              help="Owned by Indonesian citizens or not (UU 9/1995).")
@click.option("--independent/--subsidiary", "independent", default=None,
              help="Independent, or a branch/subsidiary of a medium or large firm (UU 9/1995).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the explanation.")
@click.option("--lang", type=click.Choice(["id", "en"]), default=None,
              help="Language of class names: id or en (default: LUMBUNG_LANGUAGE).")
@click.option("--list", "list_regimes", is_flag=True, help="List the regimes with their legal sources.")
def classify_command(regime_id, workers, sales, assets, capital, investment, indonesian_owned,
                     independent, as_json, lang, list_regimes):
    """Size class of one business under one regime, with the criterion that decided it, the
    disagreements between criteria and the missing inputs."""
    lang = lang or (language() if language() in ("id", "en") else "en")
    if list_regimes:
        click.echo(_listing(lang))
        return
    if regime_id is None:
        raise click.UsageError(_("give --regime R (or --list to see the regimes)"))
    report = {"workers": workers, "sales": sales, "net_assets": assets, "business_capital": capital,
              "investment": investment, "indonesian_owned": indonesian_owned, "independent": independent}
    regime = get_regime(regime_id)
    result = classify(report, regime)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        click.echo(_explain(result, regime, lang))


commands = [classify_command]
