"""Impact evaluation of empowerment programs (issue 12, point 6), without Django.

``evaluate(panel, enrolments, program=..., outcome=...)`` compares a program's participants with
matched non-participants (exact on KBLI division, province and size class in the year before
enrolment, nearest neighbour on the pre-enrolment outcome: :mod:`lumbung.evaluation.matching`)
by difference in differences with a cluster-robust confidence interval
(:mod:`lumbung.evaluation.did`), with the balance table, the pre-trend test, the counts matched
and dropped, the naive comparison and the method's assumptions (:mod:`lumbung.evaluation.core`).
``build_panel(rows, outcome)`` makes the panel from rows in the registry's columns;
``OUTCOMES`` lists the outcomes supported. Method and sources: docs/evaluation.md.
"""

from __future__ import annotations

from lumbung.evaluation.core import Evaluation, evaluate
from lumbung.evaluation.outcomes import OUTCOMES, Outcome, get_outcome
from lumbung.evaluation.panel import PANEL_COLUMNS, build_panel, columns_needed, parse_years

__all__ = ["OUTCOMES", "PANEL_COLUMNS", "Evaluation", "Outcome", "build_panel", "columns_needed", "evaluate",
           "get_outcome", "parse_years"]
