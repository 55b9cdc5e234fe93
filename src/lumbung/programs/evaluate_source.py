"""The Django side of the impact evaluation: programs and enrolments from the database, the
registry's rows through its one reader (``registry/rows.py``), then :func:`lumbung.evaluation.evaluate`.

Also stores the enrolments of a synthetic population with an injected effect
(``lumbung demo --inject-effect``), linking them to the enterprises by source id.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

import polars as pl
import pyarrow as pa

from lumbung.errors import UserError
from lumbung.evaluation import Evaluation, build_panel, columns_needed, evaluate, get_outcome
from lumbung.i18n import _
from lumbung.programs.importer import import_enrolments
from lumbung.programs.models import Enrolment, Program
from lumbung.registry import rows as registry_rows
from lumbung.registry.models import Enterprise

SYNTHETIC_SOURCE_NOTE = "synthetic program of lumbung synth/demo --inject-effect (docs/evaluation.md)"


def get_program(slug: str) -> Program:
    """The program ``slug``, or a UserError naming the known ones."""
    program = Program.objects.filter(slug=slug).first()
    if program is None:
        known = ", ".join(Program.objects.values_list("slug", flat=True)) or "-"
        raise UserError(_("{program} is not a program in the catalogue (known: {known})").format(
            program=slug, known=known))
    return program


def enrolments(program: Program) -> pl.DataFrame:
    """The program's enrolments (``enterprise_id``, ``year``), every status (intention to treat)."""
    rows = list(Enrolment.objects.filter(program=program).values_list("enterprise_id", "year"))
    return pl.DataFrame(rows, schema={"enterprise_id": pl.Int64, "year": pl.Int32}, orient="row")


def evaluate_program(program: str, outcome: str, years: Iterable[int] | None = None, user=None,
                     translate=None) -> Evaluation:
    """Evaluate ``program`` (slug) on ``outcome`` over the registry (only the enterprises ``user``
    may see, when a user is given)."""
    get_outcome(outcome)
    chosen = get_program(program)
    years = None if years is None else sorted(set(years))
    table = registry_rows.reports_table(years=years, columns=("enterprise_id", *columns_needed(outcome)))
    panel = build_panel(table, outcome)
    if user is not None:
        visible = pl.DataFrame({"enterprise_id": list(Enterprise.objects.visible_to(user).values_list("id", flat=True))},
                               schema={"enterprise_id": pl.Int64})
        panel = panel.join(visible, on="enterprise_id", how="semi")
    return evaluate(panel, enrolments(chosen), program=chosen.slug, outcome=outcome, years=years,
                    translate=translate)


def store_enrolments(table: pa.Table, source: str) -> int:
    """Store the enrolments of :func:`lumbung.synthetic.effects.inject` (``source_id``, ``program``,
    ``year``, ``status``) for the enterprises of ``source``, through the enrolment import (the same
    rules, audit and idempotency as any enrolment file); a program missing from the catalogue is
    created. Repeating it stores nothing new. Returns the enrolments of the table now stored."""
    frame = pl.from_arrow(table)
    for slug in frame["program"].unique().to_list():
        Program.objects.get_or_create(
            slug=slug, defaults={"name": slug.upper(), "name_en": slug.upper(), "source": SYNTHETIC_SOURCE_NOTE})
    with tempfile.TemporaryDirectory(prefix="lumbung-enrolments-") as folder:
        path = Path(folder) / "enrolments.parquet"
        frame.select("program", pl.lit(source).alias("source"), "source_id", "year", "status").write_parquet(path)
        result = import_enrolments(path, source=source)
    if result.rejected:
        first = result.errors[0]
        raise UserError(_("{count} synthetic enrolments were refused; the first: {reason}").format(
            count=result.rejected, reason=first.reason))
    counts = result.counts
    return counts.get("created", 0) + counts.get("updated", 0) + counts.get("unchanged", 0)
