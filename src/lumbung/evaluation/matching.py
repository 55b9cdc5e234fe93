"""Participants against matched non-participants, cohort by cohort.

A participant's cohort is the year of its first enrolment in the program, E. It is compared
with non-participants (never enrolled in the program in the panel) that, in the year before
enrolment (E-1):

* are in the same cell: the same KBLI division, province and size class (exact matching);
* are nearest in the pre-enrolment outcome (one nearest neighbour with replacement, Abadie &
  Imbens 2006, "Large sample properties of matching estimators for average treatment effects",
  Econometrica 74(1)), on the signed log of the outcome, within a caliper of 0.25 standard
  deviations (Rosenbaum & Rubin 1985, "Constructing a control group using multivariate matched
  sampling methods that incorporate the propensity score", The American Statistician 39(1);
  Cochran & Rubin 1973).

Both sides need a report in E-1 (the base year) and in E (the first year of the program), so
that every pair is observed before and after. A participant without such reports, or with no
non-participant in its cell, or none within the caliper, is dropped and counted by reason.
Ties between equally near controls are broken at random (seeded), so that tied controls share
the matches.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

CELL = ("kbli_division", "province", "size_class")
#: Caliper in standard deviations of the matching variable (Rosenbaum & Rubin 1985).
CALIPER_SD = 0.25
DROP_REASONS = ("no_reports", "no_cell", "caliper")
#: Tie-breaking jitter, as a share of the caliper.
TIE_BREAK = 1e-6


@dataclass
class Matching:
    """The matched pairs (``pair``, ``cohort``, ``treated_id``, ``control_id``) and the counts."""

    pairs: pl.DataFrame
    participants: int = 0
    dropped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DROP_REASONS, 0))
    #: per cohort: the eligible participants and non-participants at E-1 (for the balance table)
    pools: list[tuple[int, pl.DataFrame, pl.DataFrame]] = field(default_factory=list)

    @property
    def matched(self) -> int:
        return self.pairs.height


def signed_log(column: str) -> pl.Expr:
    """sign(x) * log(1 + |x|): the outcome on a log scale, defined for zero and negative values."""
    value = pl.col(column)
    return value.sign() * value.abs().log1p()


def cohorts(enrolments: pl.DataFrame) -> pl.DataFrame:
    """Each participant's first enrolment year (``enterprise_id``, ``cohort``)."""
    return enrolments.group_by("enterprise_id").agg(pl.col("year").min().cast(pl.Int32).alias("cohort"))


def _base(panel: pl.DataFrame, cohort: int) -> pl.DataFrame:
    """Enterprises with a known outcome and size class in E-1 and a report in E."""
    before = panel.filter((pl.col("year") == cohort - 1) & pl.col("value").is_not_null()
                          & (pl.col("size_class") != "unknown"))
    after = panel.filter((pl.col("year") == cohort) & pl.col("value").is_not_null()).select("enterprise_id")
    return before.join(after, on="enterprise_id", how="semi").with_columns(signed_log("value").alias("x"))


def match(panel: pl.DataFrame, enrolments: pl.DataFrame, caliper_sd: float = CALIPER_SD, seed: int = 0) -> Matching:
    """Match every participant of ``enrolments`` (``enterprise_id``, ``year``) in ``panel``;
    ``seed`` draws the tie-breaking among equally near controls."""
    first = cohorts(enrolments)
    participants = first.join(panel.select("enterprise_id").unique(), on="enterprise_id", how="semi")
    ids = panel.schema["enterprise_id"]
    result = Matching(pairs=pl.DataFrame(schema={"pair": pl.Int64, "cohort": pl.Int32,
                                                 "treated_id": ids, "control_id": ids}),
                      participants=participants.height)
    never = panel.select("enterprise_id").unique().join(first, on="enterprise_id", how="anti")
    pairs = []
    for cohort in sorted(participants["cohort"].unique().to_list()):
        members = participants.filter(pl.col("cohort") == cohort).select("enterprise_id")
        base = _base(panel, cohort)
        treated = base.join(members, on="enterprise_id", how="semi")
        controls = base.join(never, on="enterprise_id", how="semi")
        result.dropped["no_reports"] += members.height - treated.height
        result.pools.append((cohort, treated, controls))
        if treated.is_empty():
            continue
        spread = pl.concat([treated["x"], controls["x"]]).std()
        caliper = caliper_sd * (spread if spread and spread > 0 else 1.0)
        # Ties (a count such as workers, or repeated values) are broken at random: a jitter far
        # below any real difference, so that tied controls share the matches instead of the
        # first of them taking them all (which would leave few, large clusters).
        rng = np.random.Generator(np.random.PCG64([seed, cohort]))
        jitter = TIE_BREAK * caliper
        candidates = controls.select(*CELL, (pl.col("x") + pl.Series(rng.uniform(0, jitter, controls.height)))
                                     .alias("key"), pl.col("x").alias("x_control"),
                                     pl.col("enterprise_id").alias("control_id")).sort("key")
        joined = treated.select(*CELL, "x", (pl.col("x") + pl.Series(rng.uniform(0, jitter, treated.height)))
                                .alias("key"), pl.col("enterprise_id").alias("treated_id")).sort("key").join_asof(
            candidates, on="key", by=list(CELL), strategy="nearest", check_sortedness=False)
        no_cell = joined["control_id"].is_null()
        far = ~no_cell & ((joined["x"] - joined["x_control"]).abs() > caliper)
        result.dropped["no_cell"] += int(no_cell.sum())
        result.dropped["caliper"] += int(far.sum())
        kept = joined.filter(~no_cell & ~far).select(pl.lit(cohort, pl.Int32).alias("cohort"),
                                                     "treated_id", "control_id")
        pairs.append(kept.sort("treated_id"))
    if pairs:
        result.pairs = pl.concat(pairs).with_row_index("pair").with_columns(pl.col("pair").cast(pl.Int64))
    return result
