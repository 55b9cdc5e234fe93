"""A program of the catalogue as a lab scenario (ex ante beside ex post; docs/lab.md, "A program
of the catalogue in the lab").

The program's eligibility rule (:mod:`lumbung.eligibility.rules`, over registry fields) becomes
the intervention's targeting rule (:func:`lumbung.lab.scenarios.compile_target`, over the lab's
firm arrays), clause by clause: a top-level ``and`` clause whose fields all have a lab
counterpart (:data:`FIELD_MAP`) is translated; any other clause is left out and said, with the
field that has no counterpart. Leaving an ``and`` clause out widens the target (the lab reaches
a superset of the eligible firms), never narrows it, and never turns the rule into another one.

The program's type becomes an intervention kind (:data:`KIND_OF_TYPE`), with the dose, take-up and
timing of the shipped scenario of that kind (credit.toml, training.toml, ...), since the
catalogue does not record them; the program's largest amount per enterprise, where it has one,
replaces a money dose. Types with no intervention (marketing, tariff) are refused with the reason.

>>> m = map_program("kur", "credit", 'size("bps-workers") == "micro" and indonesian_owned', max_amount=100_000_000)
>>> m.target, m.kind, m.dose
("size_class == 'micro'", 'credit', 100000000.0)
>>> [(c.text, c.reason) for c in m.dropped]
[('indonesian_owned', 'no lab counterpart for indonesian_owned (Indonesian-owned)')]
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

import numpy as np

from lumbung.eligibility.rules import RuleError, field_label, parse
from lumbung.errors import UserError
from lumbung.i18n import _
from lumbung.lab.codes import DIVISIONS, FORMALITY, PROVINCES, SIZE_CLASSES, SIZE_REGIME, TECHNIQUES
from lumbung.lab.scenarios import (
    CATEGORICAL_FIELDS,
    NUMERIC_FIELDS,
    Scenario,
    ScenarioError,
    TargetFields,
    evaluate_target,
    from_dict,
    load,
)

#: Registry field of an eligibility rule -> the lab's firm field it starts from (the mapping of
#: lumbung.lab.population.from_table, docs/lab.md "The firm population"): the same quantity in
#: the same unit, so a comparison keeps its constant.
FIELD_MAP = {
    "workers": "workers",
    "net_assets": "capital",            # net assets excl. land and buildings -> capital
    "credit_bank": "debt_bank",
    "credit_kur": "debt_kur",
    "credit_informal": "debt_moneylender",
    "kbli_division": "kbli_division",    # KBLI 2020 divisions 10-33 (the lab models section C)
    "province": "province",              # Kemendagri 2-digit codes
    "legal_status": "formality",         # the same labels (lumbung.vocabulary.LEGAL_STATUSES)
    "age": "age",                        # years since founding
}
#: The one size-class regime the lab's ``size_class`` follows (persons engaged, lumbung.lab.codes).
SIZE_CALL = f"size:{SIZE_REGIME}"

#: Program type (lumbung.eligibility.catalogue.TYPES) -> lab intervention kind, or None with why not.
KIND_OF_TYPE: dict[str, str | None] = {
    "credit": "credit",
    "training": "training",
    "equipment": "equipment",
    "partnership": "partnership",
    "sentra": "sentra",
    "social_protection": "grant",  # a cash transfer to the firm (as BPUM 2020 was)
    "marketing": None,
    "tariff": None,
}
#: Why a type has no intervention (shown to the user).
WHY_NOT = {
    "marketing": lambda _: _("the lab has no marketing intervention: a wider market comes only with a partnership, "
                           "which also changes inputs and skills, and would overstate a marketing program"),
    "tariff": lambda _: _("a tariff is a shock on every firm of a sector, not a program for eligible firms: run the "
                        "tariff-cut scenario instead"),
}
#: The shipped scenario whose intervention gives a kind's dose, take-up and timing.
TEMPLATE_OF_KIND = {"credit": "credit", "training": "training", "equipment": "equipment",
                    "partnership": "partnership", "sentra": "sentra"}
#: Kinds whose dose is rupiah per firm (the program's largest amount replaces it).
MONEY_KINDS = ("credit", "equipment", "grant")
#: A grant with no amount in the catalogue: Rp2.4 million per micro firm, the Banpres Produktif
#: Usaha Mikro (BPUM) of 2020 (Kemenkop UKM, Permenkop UKM 6/2020); take-up and timing as the
#: other kinds' (half of the eligible firms, from quarter 4).
GRANT_DEFAULT = {"dose": 2.4e6, "take_up": 0.5, "start": 4, "end": 40}


@dataclass(frozen=True)
class Clause:
    text: str  # the eligibility clause as written
    lab: str = ""  # its lab targeting rule ("" when left out)
    reason: str = ""  # why it was left out


@dataclass(frozen=True)
class ProgramMapping:
    """A program's lab intervention: its kind, target, dose and the clauses kept and left out."""

    slug: str
    type: str
    kind: str
    target: str
    dose: float
    take_up: float
    start: int
    end: int
    rate: float | None
    cost_per_firm: float | None
    kept: tuple[Clause, ...] = ()
    dropped: tuple[Clause, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def scenario(self, title: str = "") -> Scenario:
        """The baseline with this program as its one intervention (a scenario named ``program-<slug>``)."""
        iv = {"name": self.slug, "kind": self.kind, "target": self.target, "dose": self.dose,
              "take_up": self.take_up, "start": self.start, "end": self.end}
        if self.rate is not None:
            iv["rate"] = self.rate
        if self.cost_per_firm is not None:
            iv["cost_per_firm"] = self.cost_per_firm
        return from_dict({"name": scenario_name(self.slug), "title": title or self.slug, "inherits": "baseline",
                          "description": _("Program {slug} of the catalogue, mapped to a lab intervention").format(
                              slug=self.slug), "interventions": [iv]}, source=f"program {self.slug}")


def scenario_name(slug: str) -> str:
    return f"program-{slug}"


def kind_of(program_type: str, translate=_) -> str:
    """The lab intervention kind of a program type; UserError saying why for a type without one.
    ``translate``: the gettext of the reader's language (the page's; default LUMBUNG_LANGUAGE)."""
    _ = translate
    if program_type not in KIND_OF_TYPE:
        raise UserError(_("unknown program type {type!r}").format(type=program_type))
    kind = KIND_OF_TYPE[program_type]
    if kind is None:
        raise UserError(_("A {type} program cannot be simulated: {why}.").format(
            type=program_type, why=WHY_NOT[program_type](_)))
    return kind


def map_program(slug: str, program_type: str, eligibility: str, max_amount: float | None = None,
                translate=_, lang: str = "en") -> ProgramMapping:
    """The lab intervention of a program (pure: the catalogue's fields, no database row);
    ``translate`` and ``lang``: the gettext and the language ("id", "en") of the reader (default
    LUMBUNG_LANGUAGE's gettext, English field labels)."""
    _ = translate
    kind = kind_of(program_type, _)
    try:
        rule = parse(eligibility or "")
    except RuleError as error:
        raise UserError(str(error)) from error
    clauses = [translate_clause(c.text, c.node, c.fields, _, lang) for c in rule.clauses]
    kept = tuple(c for c in clauses if c.lab)
    dropped = tuple(c for c in clauses if not c.lab)
    target = " and ".join(f"({c.lab})" if len(kept) > 1 else c.lab for c in kept) or "True"
    template = _template(kind)
    dose, cost, notes = template["dose"], template.get("cost_per_firm"), []
    if kind in MONEY_KINDS and max_amount:
        dose = float(max_amount)
        if cost is not None:  # the template's cost per rupiah of dose (credit: 10% of the line)
            cost = cost * dose / template["dose"]
        notes.append(_("dose: the program's largest amount per enterprise"))
    else:
        notes.append(_("dose, take-up and timing: the shipped {name} scenario's").format(
            name=TEMPLATE_OF_KIND.get(kind, kind)))
    return ProgramMapping(slug, program_type, kind, target, float(dose), template["take_up"], template["start"],
                          template["end"], template.get("rate"), cost, kept, dropped,
                          tuple(notes))


def _template(kind: str) -> dict:
    """Dose, take-up, timing (and rate, cost) of the shipped scenario of ``kind``."""
    if kind not in TEMPLATE_OF_KIND:
        return dict(GRANT_DEFAULT)
    iv = next(i for i in load(TEMPLATE_OF_KIND[kind]).interventions if i.kind == kind)
    return {"dose": iv.dose, "take_up": iv.take_up, "start": iv.start, "end": iv.end, "rate": iv.rate,
            "cost_per_firm": iv.cost_per_firm}


def unmapped_field(fields: tuple[str, ...]) -> str | None:
    """The first field of a clause with no lab counterpart (None when all have one)."""
    return next((f for f in fields if f != SIZE_CALL and f not in FIELD_MAP), None)


def _reason(name: str, _=_, lang: str = "en") -> str:
    if name.startswith("size:"):
        return _("the lab's size classes are those of {lab} (persons engaged), not of {regime}").format(
            lab=SIZE_REGIME, regime=name.split(":", 1)[1])
    return _("no lab counterpart for {field} ({label})").format(field=name, label=field_label(name, lang))


def translate_clause(text: str, node: ast.AST, fields: tuple[str, ...], translate=_, lang: str = "en") -> Clause:
    """One ``and`` clause of an eligibility rule as a lab targeting rule, or left out with the reason."""
    missing = unmapped_field(fields)
    if missing is not None:
        return Clause(text, reason=_reason(missing, translate, lang))
    lab = ast.unparse(_Rename().visit(ast.parse(ast.unparse(node), mode="eval"))).strip()
    try:
        evaluate_target(lab, _probe())  # the lab rejects a value it does not know (e.g. a division outside C)
    except ScenarioError as error:
        return Clause(text, reason=str(error))
    return Clause(text, lab=lab)


class _Rename(ast.NodeTransformer):
    """Registry field names -> lab field names; ``size("bps-workers")`` -> ``size_class``."""

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return ast.copy_location(ast.Name(FIELD_MAP.get(node.id, node.id), ast.Load()), node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        return ast.copy_location(ast.Name("size_class", ast.Load()), node)


def _probe() -> TargetFields:
    """One firm of zeros: enough to check every field and label of a rule."""
    numeric = {name: np.zeros(1) for name in NUMERIC_FIELDS}
    labels = {"size_class": SIZE_CLASSES, "technique": TECHNIQUES, "kbli_division": DIVISIONS,
              "province": PROVINCES, "formality": FORMALITY, "partner": (False, True)}
    return TargetFields(1, numeric, {name: (np.zeros(1, dtype=np.int8), labels[name]) for name in CATEGORICAL_FIELDS})
