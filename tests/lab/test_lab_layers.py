"""The lab's modules form one chain and take their lists from the packages that own the codes.

Read from the syntax tree of every module (imports inside functions included), so a cycle
hidden in a function body, a private name taken from another module or a call into Django
fails here even if nothing imports it at run time.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from lumbung import geography, sectors, sizeclass, vocabulary
from lumbung.lab import codes

SRC = Path(__file__).resolve().parents[2] / "src" / "lumbung"
#: Each module may import only the lab modules listed before it.
CHAIN = ("codes", "backend", "streams", "scenarios", "production", "population", "shocks", "state",
         "quarter", "programs", "records", "run", "executors", "ensemble", "outputs", "report",
         "experiment", "program_map", "web", "commands")
FORBIDDEN = ("django", "lumbung.registry", "lumbung.portal", "lumbung.imports")


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module, names, line) of every import statement anywhere in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, [alias.name for alias in node.names], node.lineno))
    return found


def _lab_modules() -> list[str]:
    return sorted(p.stem for p in (SRC / "lab").glob("*.py") if p.stem != "__init__")


def test_every_lab_module_has_its_place_in_the_chain():
    assert sorted(CHAIN) == _lab_modules()


def chain_violations(path: Path, module: str) -> list[str]:
    """Imports in ``path`` (lab module ``module``) of lab modules not before it in CHAIN."""
    allowed = set(CHAIN[: CHAIN.index(module)])
    found = []
    for name, names, line in _imports(path):
        used = [name.split(".")[2]] if name.startswith("lumbung.lab.") else []
        used += names if name == "lumbung.lab" else []
        found += [f"{path.name}:{line} imports lumbung.lab.{u}" for u in used if u not in allowed]
    return found


def layer_violations(path: Path) -> list[str]:
    """Private names taken from other modules (imported or as module attributes), and Django,
    the registry, the portal or the importer outside commands.py."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for name, names, line in _imports(path):
        found += [f"{path.name}:{line} imports private {n} from {name}" for n in names
                  if n.startswith("_") and n != "_"]  # `_` is gettext
        if path.name != "commands.py" and name.startswith(FORBIDDEN):
            found.append(f"{path.name}:{line} imports {name}")
    modules = {alias.asname or alias.name.split(".")[0] for node in ast.walk(tree)
               if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules
                and node.attr.startswith("_") and not node.attr.startswith("__")):
            found.append(f"{path.name}:{node.lineno} uses {node.value.id}.{node.attr}")
    return found


@pytest.mark.parametrize("module", CHAIN)
def test_lab_modules_import_only_those_before_them(module):
    assert chain_violations(SRC / "lab" / f"{module}.py", module) == []


@pytest.mark.parametrize("package", ["lab", "synthetic"])
def test_no_private_names_from_other_modules_and_no_django(package):
    for path in sorted((SRC / package).glob("*.py")):
        assert layer_violations(path) == []


def test_the_checks_catch_a_hidden_cycle_a_private_name_and_django(tmp_path):
    broken = tmp_path / "state.py"
    broken.write_text("from lumbung.lab import records\n\ndef f():\n    from lumbung.lab.run import _helper\n"
                      "    import django\n    return records._cells\n", encoding="utf-8")
    assert chain_violations(broken, "state") == ["state.py:1 imports lumbung.lab.records",
                                                 "state.py:4 imports lumbung.lab.run"]
    assert layer_violations(broken) == ["state.py:4 imports private _helper from lumbung.lab.run",
                                        "state.py:5 imports django", "state.py:6 uses records._cells"]


def test_divisions_are_kbli_section_c():
    assert codes.DIVISIONS == tuple(s.code for s in sectors.divisions("C"))
    assert codes.DIVISIONS == tuple(str(d) for d in range(10, 34))


def test_provinces_are_the_region_data_provinces():
    assert codes.PROVINCES == tuple(code for code, _name in geography.provinces())
    assert len(codes.PROVINCES) == 38


def test_size_classes_are_the_bps_regime():
    assert codes.SIZE_CLASSES == sizeclass.SIZE_CLASSES
    assert codes.SIZE_BOUNDS.tolist() == [5.0, 20.0, 100.0]
    workers = np.array([1, 4, 4.4, 4.5, 19, 19.5, 99.4, 99.5, 500], dtype=np.float32)
    # the model rounds a fractional workforce half up
    rounded = [int(np.floor(float(w) + 0.5)) for w in workers]
    expected = [sizeclass.classify({"workers": w}, codes.SIZE_REGIME).size_class for w in rounded]
    assert [codes.SIZE_CLASSES[i] for i in codes.size_class_of(workers)] == expected


def test_formality_is_the_vocabulary_legal_status():
    assert codes.FORMALITY == vocabulary.LEGAL_STATUSES
