"""Production: log total factor productivity and the value added of a typical firm.

Real value added is Cobb-Douglas in capital and workers, with technique-dependent TFP, owner and
worker skill and input quality (docs/lab.md, rule 2). The quarterly rule itself is
:meth:`lumbung.lab.quarter.Rules.produce`; the functions here are shared with the population's
imputation of productivity (:mod:`lumbung.lab.population`).
"""

from __future__ import annotations

import numpy as np

from lumbung.lab.scenarios import baseline_parameters

K_REF = 10e6  # Rp: capital of the reference firm for `va_reference`
SKILL_MEAN_OWNER = 0.33  # mean of the imputed owner-skill distribution Beta(2, 4)
SKILL_MEAN_WORKER = 0.30


def log_productivity(p: dict, technique, owner_skill, worker_skill, input_quality, xp=np):
    """log(TFP x skill x input quality) without the firm's own productivity level."""
    out = xp.log(xp.maximum(input_quality, np.float32(0.05)) / np.float32(0.5))
    out *= np.float32(p["input_quality_effect"])
    out += np.float32(p["owner_skill_effect"]) * (owner_skill - np.float32(SKILL_MEAN_OWNER))
    out += np.float32(p["worker_skill_effect"]) * (worker_skill - np.float32(SKILL_MEAN_WORKER))
    out += np.float32(np.log(p["tfp_modern"])) * technique
    return out


def potential_value_added_typical(capital, workers, owner_skill, worker_skill, input_quality, technique,
                                  params: dict | None = None) -> np.ndarray:
    """Quarterly real value added of a firm with productivity level 1 (used to impute productivity)."""
    p = params or baseline_parameters()
    alpha = np.where(technique == 1, p["alpha_modern"], p["alpha_traditional"])
    log_va = (np.log(p["va_reference"]) + alpha * np.log(np.maximum(capital, 1.0) / K_REF)
              + p["beta_labour"] * np.log(np.maximum(workers, 1.0))
              + log_productivity(p, technique.astype(np.float64), owner_skill, worker_skill, input_quality))
    return np.exp(log_va)
