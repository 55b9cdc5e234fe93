"""Eligibility of enterprises for empowerment programs, written as data (pure Python, no Django).

- :mod:`lumbung.eligibility.rules`: the rule grammar (a whitelist over Python's expression syntax,
  as the lab's targeting rules; never ``eval``) compiled into Polars expressions;
- :mod:`lumbung.eligibility.population`: the frame rules read (one row per enterprise, its latest
  report, derived fields, size classes under each regime named) and the vectorised evaluation of
  every program for every enterprise;
- :mod:`lumbung.eligibility.catalogue`: the seed catalogue (today's KUR, the historical schemes the
  paper names) with the program types, Kuncoro's aspects and Ohno's steps.

The Django app :mod:`lumbung.programs` stores the catalogue and enrolments and calls these.
"""

from lumbung.eligibility.population import counts, eligible_all, evaluate, latest, prepare
from lumbung.eligibility.rules import FIELDS, Rule, RuleError, parse

__all__ = ["FIELDS", "Rule", "RuleError", "counts", "eligible_all", "evaluate", "latest", "parse", "prepare"]
