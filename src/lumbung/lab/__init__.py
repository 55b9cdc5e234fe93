"""The policy lab: a vectorised simulation of IKM firms (pure Python + NumPy, no Django).

- :mod:`lumbung.lab.population`: firms as a structure of arrays (from registry rows, the
  synthetic population or the registry database);
- :mod:`lumbung.lab.scenarios`: scenarios as TOML data (parameters, shocks, interventions);
- :mod:`lumbung.lab.model`: :func:`~lumbung.lab.model.simulate`, one run of the quarterly model
  (rules in :mod:`lumbung.lab.quarter`, interventions in :mod:`lumbung.lab.programs`, bookkeeping
  in :mod:`lumbung.lab.records`);
- :mod:`lumbung.lab.ensemble`, :mod:`lumbung.lab.outputs`, :mod:`lumbung.lab.report`: ensembles,
  tables and reports (docs/lab-runs.md).

See docs/lab.md for every rule, parameter and source.
"""

from lumbung.lab.model import PERIODS_PER_YEAR, SUMMARY_COLUMNS, RunResult, simulate
from lumbung.lab.population import Population
from lumbung.lab.scenarios import Scenario, ScenarioError

__all__ = ["PERIODS_PER_YEAR", "SUMMARY_COLUMNS", "Population", "RunResult", "Scenario", "ScenarioError", "simulate"]
