"""The policy lab: a vectorised simulation of IKM firms (pure Python + NumPy, no Django).

Modules, each importing only those listed before it:

- :mod:`~lumbung.lab.codes` (labels, derived from geography, sectors, sizeclass, vocabulary),
  :mod:`~lumbung.lab.backend` (NumPy or CuPy), :mod:`~lumbung.lab.streams` (random streams);
- :mod:`~lumbung.lab.scenarios`: scenarios as TOML data (parameters, shocks, interventions);
- :mod:`~lumbung.lab.production`, :mod:`~lumbung.lab.population` (firms as a structure of
  arrays, from template rows, the synthetic population or the registry's reports),
  :mod:`~lumbung.lab.shocks`, :mod:`~lumbung.lab.state`;
- :mod:`~lumbung.lab.quarter` (the rules of one quarter), :mod:`~lumbung.lab.programs`
  (interventions) and :mod:`~lumbung.lab.records` (bookkeeping), the run's collaborators;
- :mod:`~lumbung.lab.run`: :func:`simulate`, one run;
- :mod:`~lumbung.lab.executors`, :mod:`~lumbung.lab.ensemble`, :mod:`~lumbung.lab.outputs`,
  :mod:`~lumbung.lab.report`, :mod:`~lumbung.lab.experiment` (:func:`run_experiment`, what
  ``lumbung simulate`` does): ensembles, tables and reports (docs/lab-runs.md).

See docs/lab.md for every rule, parameter and source. The names below load on first use, so
that importing one module (e.g. the CLI's ``lumbung.lab.commands``) does not load the model.
"""

from __future__ import annotations

import importlib

#: public name -> module that defines it
_EXPORTS = {
    "PERIODS_PER_YEAR": "lumbung.lab.codes",
    "SUMMARY_COLUMNS": "lumbung.lab.records",
    "Population": "lumbung.lab.population",
    "RunResult": "lumbung.lab.run",
    "simulate": "lumbung.lab.run",
    "Scenario": "lumbung.lab.scenarios",
    "ScenarioError": "lumbung.lab.scenarios",
    "run_experiment": "lumbung.lab.experiment",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'lumbung.lab' has no attribute {name!r}")
