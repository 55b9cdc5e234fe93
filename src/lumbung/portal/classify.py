"""The "classify a business" form and the regimes page: the class under every regime, explained
as ``lumbung classify`` explains it (the criterion that decided, the classes ruled out and why,
disagreements between criteria, missing inputs), from lumbung.sizeclass."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lumbung.portal import numbers
from lumbung.sizeclass import FIELDS, classify, label, parse_rupiah, regimes
from lumbung.sizeclass.regime import Condition, Group

NEGATION = {"<=": ">", "<": ">=", ">=": "<", ">": "<="}
FLAG_CHOICES = [("", gettext_lazy("unknown")), ("yes", gettext_lazy("yes")), ("no", gettext_lazy("no"))]


class RupiahField(forms.CharField):
    """Whole rupiah as people type it: 1500000, 1.500.000, Rp1.500.000."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_rupiah(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class ClassifyForm(forms.Form):
    workers = forms.IntegerField(label=gettext_lazy("Persons engaged (owner and family included)"), required=False,
                                 min_value=1)
    sales = RupiahField(label=gettext_lazy("Annual sales (Rp)"), required=False)
    net_assets = RupiahField(label=gettext_lazy("Net assets excluding land and buildings (Rp)"), required=False)
    business_capital = RupiahField(label=gettext_lazy("Business capital excluding land and buildings (Rp)"),
                                   required=False)
    investment = RupiahField(label=gettext_lazy("Investment excluding land and buildings (Rp)"), required=False)
    indonesian_owned = forms.ChoiceField(label=gettext_lazy("Owned by Indonesian citizens"), choices=FLAG_CHOICES,
                                         required=False)
    independent = forms.ChoiceField(label=gettext_lazy("Independent (not a branch or subsidiary of a larger firm)"),
                                    choices=FLAG_CHOICES, required=False)

    def report(self) -> dict:
        data = dict(self.cleaned_data)
        for flag in ("indonesian_owned", "independent"):
            data[flag] = {"yes": True, "no": False}.get(data.get(flag) or "")
        return data


def _value(criterion: str, value, lang: str) -> str:
    kind = FIELDS[criterion].kind
    if kind == "money":
        return "Rp" + numbers.number(value, 0, lang)
    if kind == "flag":
        return _("yes") if value else _("no")
    return numbers.number(value, 0, lang)


def comparison(decision, lang: str, failed: bool = False) -> str:
    name = FIELDS[decision.criterion].label(lang)
    if decision.comparison == "is":
        return f"{name}: {_value(decision.criterion, decision.value, lang)}"
    op = NEGATION[decision.comparison] if failed else decision.comparison
    return f"{name} {_value(decision.criterion, decision.value, lang)} {op} {_value(decision.criterion, decision.threshold, lang)}"


@dataclass
class Explained:
    regime: object
    size_class: str
    class_name: str
    lines: list[str]


def explain(report: dict, regime, lang: str) -> Explained:
    result = classify(report, regime)
    lines = []
    if result.decided_by:
        joint = "; ".join(comparison(d, lang) for d in result.decided_by.jointly)
        lines.append(_("Decided by: {comparison}").format(comparison=comparison(result.decided_by, lang))
                     + (_(" (together with: {others})").format(others=joint) if joint else ""))
    for size_class, blockers in result.ruled_out:
        lines.append(_("Not {name}: {reasons}").format(
            name=label(size_class, lang), reasons="; ".join(comparison(d, lang, failed=True) for d in blockers)))
    for item in result.disagreements:
        lines.append(_("Disagreement: {criterion} {value} alone gives {classes}").format(
            criterion=FIELDS[item.criterion].label(lang), value=_value(item.criterion, item.value, lang),
            classes="/".join(label(k, lang) for k in item.classes)))
    if result.missing:
        lines.append(_("Missing: {fields}").format(fields=", ".join(FIELDS[n].label(lang) for n in result.missing)))
    if result.undecided_by:
        lines.append(_("The class stays unknown until these are known: {fields}").format(
            fields=", ".join(FIELDS[n].label(lang) for n in result.undecided_by)))
    lines.append(_("Rule: {note}").format(note=regime.combination_note))
    return Explained(regime, result.size_class, label(result.size_class, lang), lines)


def explain_all(report: dict, lang: str) -> list[Explained]:
    return [explain(report, regime, lang) for regime in regimes(include_variants=True)]


def condition_text(node, lang: str) -> str:
    if isinstance(node, Condition):
        name = FIELDS[node.field].label(lang)
        if node.op == "is":
            answer = _("yes") if node.value else _("no")  # outside the f-string, where xgettext sees it
            return f"{name}: {answer}"
        return f"{name} {node.op} {_value(node.field, node.value, lang)}"
    assert isinstance(node, Group)
    joiner = _("and") if node.mode == "all" else _("or")
    return "(" + f" {joiner} ".join(condition_text(p, lang) for p in node.parts) + ")"


def regime_pages(lang: str) -> list[dict]:
    """Every regime with its law, article, dates in force, classes and thresholds."""
    out = []
    for regime in regimes(include_variants=True):
        bands = []
        for criterion in regime.criteria:
            low = None
            for band in criterion.bands:
                classes = "/".join(label(c, lang) for c in band.classes)
                low_text = f"> {_value(criterion.field, low, lang)}" if low is not None else ""
                high = ("≤ " if band.inclusive else "< ") + _value(criterion.field, band.limit, lang) \
                    if band.limit is not None else ""
                bands.append({"criterion": FIELDS[criterion.field].label(lang), "classes": classes,
                              "range": " ".join(p for p in (low_text, high) if p) or _("any")})
                low = band.limit
        rules = [{"class": label(r.size_class, lang), "when": condition_text(r.when, lang)} for r in regime.rules]
        out.append({"regime": regime, "name": regime.name(lang), "bands": bands, "rules": rules,
                    "classes": ", ".join(label(c, lang) for c in regime.classes)})
    return out
