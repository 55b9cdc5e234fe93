"""The pure-Python domain packages never import Django (DEVELOPERS.md): every module of theirs
is imported in a fresh interpreter and Django must not be among the loaded modules."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PURE_PACKAGES = (
    "lumbung.sizeclass",
    "lumbung.geography",
    "lumbung.sectors",
    "lumbung.synthetic",
    "lumbung.indicators",
    "lumbung.lab",
)

PROBE = """
import importlib, json, pkgutil, sys
package = importlib.import_module(sys.argv[1])
modules = [sys.argv[1]]
for info in pkgutil.walk_packages(package.__path__, prefix=sys.argv[1] + "."):
    importlib.import_module(info.name)
    modules.append(info.name)
print(json.dumps({"modules": modules,
                  "django": sorted(m for m in sys.modules if m == "django" or m.startswith("django."))}))
"""


@pytest.mark.parametrize("package", PURE_PACKAGES)
def test_package_imports_without_django(package):
    completed = subprocess.run([sys.executable, "-c", PROBE, package], capture_output=True,
                               text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr[-2000:]
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert report["modules"]
    assert report["django"] == [], f"{package} imported {report['django'][:5]} (via one of {report['modules']})"
