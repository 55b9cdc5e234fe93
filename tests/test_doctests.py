"""The examples in docstrings run (issue 9 point 5): every ``>>>`` example of every module of the
package is executed, as ``--doctest-modules`` would do. (The option itself cannot be used: it also
imports tests/*/conftest.py as modules, and the conftest files of different test folders share a
name, which stops collection.)"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
MODULES = sorted(".".join(p.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
                 for p in (SRC / "lumbung").rglob("*.py")
                 if "migrations" not in p.parts and p.name != "__main__.py")


def examples(module_name: str) -> list[doctest.DocTest]:
    module = importlib.import_module(module_name)
    return [test for test in doctest.DocTestFinder(recurse=True).find(module, module_name) if test.examples]


WITH_EXAMPLES = [name for name in MODULES if examples(name)]


def test_there_are_examples():
    assert {"lumbung.sizeclass", "lumbung.cli", "lumbung.security.csp"} <= set(WITH_EXAMPLES)


@pytest.mark.parametrize("module_name", WITH_EXAMPLES)
def test_docstring_examples_run(module_name, tmp_path):
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    # As under --doctest-modules, an example may ask for a fixture; only tmp_path is offered.
    fixtures = {"tmp_path": tmp_path}
    for test in examples(module_name):
        test.globs["getfixture"] = fixtures.__getitem__
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples of {module_name} failed (see above)"


def test_a_wrong_example_fails():
    parser = doctest.DocTestParser()
    test = parser.get_doctest(">>> 1 + 1\n3\n", {}, "wrong", "wrong.py", 0)
    runner = doctest.DocTestRunner()
    runner.run(test, out=lambda _text: None)
    assert runner.summarize(verbose=False).failed == 1
