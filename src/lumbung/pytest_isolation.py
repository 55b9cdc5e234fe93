"""A pytest plugin (``-p lumbung.pytest_isolation`` in pyproject.toml's addopts) that points the
test session at a data folder of its own before anything reads the settings.

pytest-django reads Django's settings while pytest starts, before any ``conftest.py`` is imported,
and the settings derive paths from ``LUMBUNG_HOME`` (static files, cache, key files). Setting the
folder in ``tests/conftest.py`` was too late: a run in a checkout where ``make demo`` had filled
``./.lumbung`` wrote there (issue 8 point 7). A ``-p`` plugin is imported first of all.
"""

from __future__ import annotations

import os
import tempfile

os.environ["LUMBUNG_HOME"] = tempfile.mkdtemp(prefix="lumbung-tests-")
