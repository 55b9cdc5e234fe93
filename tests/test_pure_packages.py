"""The layering holds (issue 9 point 5), read from the syntax tree of every module, so an import
inside a function counts as much as one at the top:

- domain packages never import Django, the registry, the portal, the API or the CLI, and only
  their ``commands.py`` modules import ``click``;
- each package imports only the packages :data:`GRAPH` allows (docs/architecture.md shows the
  same graph);
- no module imports another module's private (``_x``) name.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "lumbung"

#: The domain packages and modules: pure Python, Django-free.
PURE = ("errors", "conf", "i18n", "numbers", "vocabulary", "rules", "geography", "sectors", "sizeclass",
        "synthetic", "indicators", "lab", "imports", "evaluation", "eligibility")

#: Modules of a pure package that belong to the Django side, besides every ``commands.py``: none
#: (the registry's writer, import and export live in registry/).
DJANGO_SIDE_MODULES: set[str] = set()

#: What a pure module may never import (dotted prefixes), nor call (``lumbung.setup_django``).
FORBIDDEN = ("django", "lumbung.registry", "lumbung.portal", "lumbung.api", "lumbung.security", "lumbung.cli",
             "lumbung.settings", "lumbung.urls", "lumbung.wsgi", "click")
FORBIDDEN_NAMES = {"setup_django"}

#: package -> the lumbung packages its modules (commands.py aside) may import. Everything imports
#: the root package ``lumbung`` (its ``__init__`` is Django-free). The graph is acyclic: pure
#: packages first, in an order where each imports only earlier ones.
GRAPH: dict[str, set[str]] = {
    "errors": set(),
    "i18n": set(),
    # Number formats of each language (1.234.567,8; Rp1,2 miliar): the portal's and the lab report's.
    "numbers": set(),
    "conf": {"i18n"},
    # The terminal progress bar of commands (it uses click, so it is not a domain module).
    "progress": {"i18n"},
    "lumbung": {"i18n"},  # the package's __init__: version and setup_django()
    "vocabulary": {"errors", "i18n"},
    "geography": {"errors", "i18n", "conf"},
    "sectors": {"errors", "i18n", "conf"},
    "sizeclass": {"errors", "i18n", "conf", "vocabulary"},
    "rules": {"errors", "i18n", "conf", "vocabulary", "geography", "sectors"},
    "evaluation": {"errors", "i18n", "conf", "vocabulary", "sizeclass"},
    "synthetic": {"errors", "i18n", "conf", "vocabulary", "geography", "sectors", "sizeclass", "evaluation"},
    "imports": {"errors", "i18n", "conf", "progress", "vocabulary", "rules", "geography", "sectors", "sizeclass"},
    "indicators": {"errors", "i18n", "conf", "vocabulary", "rules", "geography", "sectors", "sizeclass"},
    "eligibility": {"errors", "i18n", "conf", "vocabulary", "sizeclass"},
    # eligibility: a program of the catalogue simulated (its rule becomes the lab's targeting rule)
    "lab": {"errors", "i18n", "conf", "numbers", "vocabulary", "geography", "sectors", "sizeclass", "synthetic",
            "indicators", "eligibility"},
    # The Django side: it may use every pure package.
    "security": {"errors", "i18n", "conf"},
    "settings": {"conf", "security"},
    # Background jobs (django-tasks backend, worker, Job rows): nothing of the registry.
    "jobs": {"errors", "i18n", "conf"},
    "registry": {*PURE, "security", "jobs"},
    "portal": {*PURE, "registry", "security", "wsgi"},
    "api": {*PURE, "registry", "security", "jobs"},
    # portal: number formats and charts of the pages; api: the programs' endpoints use its base classes
    "programs": {*PURE, "registry", "security", "portal", "api", "jobs"},
    "owners": {*PURE, "registry", "portal", "security"},
    "linkages": {*PURE, "registry", "security", "api", "portal"},
    # jobs and programs: the policy lab's page runs background jobs, a program can be simulated
    "analysts": {*PURE, "registry", "security", "portal", "jobs", "programs"},
    "urls": {"portal", "api", "registry", "linkages", "analysts"},
    "wsgi": set(),
    "pytest_isolation": set(),
    # The CLI reads its table; it imports command modules by name (importlib), not by import statement.
    "cli": {"errors", "i18n", "conf"},
}


@dataclass(frozen=True)
class Import:
    module: str  # dotted name imported
    names: tuple[str, ...]  # names taken from it (from-imports)
    line: int
    in_function: bool


def imports_of(path: Path) -> list[Import]:
    """Every import statement of a module, at the top or inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                found.extend(Import(alias.name, (), child.lineno, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                found.append(Import(child.module, tuple(a.name for a in child.names), child.lineno, in_function))
            visit(child, nested)

    visit(tree, False)
    return found


def package_of(path: Path, root: Path = SRC) -> str:
    parts = path.relative_to(root).parts
    return "lumbung" if parts == ("__init__.py",) else parts[0].removesuffix(".py")


def is_commands(path: Path) -> bool:
    return path.name == "commands.py"


def targets(item: Import) -> set[str]:
    """The lumbung packages an import reaches: ``from lumbung import geography`` reaches geography."""
    parts = item.module.split(".")
    if parts[0] != "lumbung":
        return set()
    if len(parts) > 1:
        return {parts[1]}
    return {name for name in item.names if name not in FORBIDDEN_NAMES and not name.startswith("__")}


def purity_violations(path: Path) -> list[str]:
    """Forbidden imports of a pure module, as ``file:line module``."""
    problems = []
    for item in imports_of(path):
        names = {f"{item.module}.{name}" for name in item.names} | {item.module}
        bad = [n for n in names if any(n == f or n.startswith(f + ".") for f in FORBIDDEN)]
        if item.module == "lumbung" and FORBIDDEN_NAMES & set(item.names):
            bad.append("lumbung.setup_django")
        if bad:
            where = " (inside a function)" if item.in_function else ""
            problems.append(f"{path.name}:{item.line} imports {sorted(bad)[0]}{where}")
    return problems


def graph_violations(path: Path, root: Path = SRC, graph: dict[str, set[str]] = GRAPH) -> list[str]:
    package = package_of(path, root)
    if package not in graph:
        return [f"package {package} is not in the graph (tests/test_pure_packages.py and docs/architecture.md)"]
    allowed = graph[package] | {package}
    problems = []
    for item in imports_of(path):
        for target in targets(item) - allowed:
            problems.append(f"{path.relative_to(root)}:{item.line} {package} -> {target}")
    return problems


def private_violations(path: Path, root: Path = SRC) -> list[str]:
    """``from lumbung.x import _name`` where lumbung.x is another module."""
    own = "lumbung." + ".".join(path.relative_to(root).with_suffix("").parts)
    problems = []
    for item in imports_of(path):
        if not item.module.startswith("lumbung") or item.module == own.removesuffix(".__init__"):
            continue
        private = [n for n in item.names if n.startswith("_") and not n.startswith("__") and n != "_"]  # `_`: gettext
        private += [p for p in item.module.split(".") if p.startswith("_") and not p.startswith("__")]
        if private:
            problems.append(f"{path.relative_to(root)}:{item.line} imports {item.module}.{private[0]}")
    return problems


def pure_modules(root: Path = SRC) -> list[Path]:
    found = []
    for name in PURE:
        package, module = root / name, root / f"{name}.py"
        paths = sorted(package.rglob("*.py")) if package.is_dir() else [module] if module.exists() else []
        found += [p for p in paths if not is_commands(p)
                  and str(p.relative_to(root)) not in DJANGO_SIDE_MODULES]
    return found


ALL_MODULES = sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)


def _id(path: Path) -> str:
    return str(path.relative_to(SRC))



def test_the_walk_finds_the_domain_packages():
    modules = {_id(p) for p in pure_modules()}
    assert {"sizeclass/engine.py", "lab/quarter.py", "indicators/engine.py", "errors.py", "conf.py"} <= modules
    assert not any(m.endswith("commands.py") for m in modules)


@pytest.mark.parametrize("path", pure_modules(), ids=_id)
def test_domain_module_imports_no_django(path):
    assert purity_violations(path) == []


@pytest.mark.parametrize("path", [p for p in ALL_MODULES if not is_commands(p)
                                  and _id(p) not in DJANGO_SIDE_MODULES], ids=_id)
def test_module_follows_the_package_graph(path):
    assert graph_violations(path) == []


@pytest.mark.parametrize("path", ALL_MODULES, ids=_id)
def test_no_private_name_of_another_module(path):
    assert private_violations(path) == []


def test_the_graph_is_acyclic_among_pure_packages():
    order: list[str] = []
    pending = {p: GRAPH[p] & set(PURE) for p in PURE}
    while pending:
        ready = sorted(p for p, needs in pending.items() if needs <= set(order))
        assert ready, f"cycle among {sorted(pending)}"
        order += ready
        for p in ready:
            del pending[p]


def test_graph_in_docs_matches():
    """docs/architecture.md lists each package's allowed imports in the same words."""
    doc = (SRC.parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    for package in PURE:
        row = next((line for line in doc.splitlines() if line.startswith(f"| `{package}` |")), None)
        assert row is not None, f"{package} has no row in docs/architecture.md's package graph"
        listed = set(row.split("|")[2].replace("`", "").replace(",", " ").split()) - {"-"}
        assert listed == GRAPH[package], f"docs/architecture.md row of {package}: {sorted(listed)}"


# -- the checks catch a deliberately broken example ----------------------------------------------

BROKEN = '''
from lumbung import setup_django
from lumbung.lab._private import _helper


def load():
    import django.db  # hidden in a function
    from lumbung.registry.models import Enterprise
    import click
    return Enterprise
'''


def test_the_checks_fail_on_a_broken_module(tmp_path):
    root = tmp_path / "lumbung"
    (root / "sizeclass").mkdir(parents=True)
    module = root / "sizeclass" / "broken.py"
    module.write_text(BROKEN)
    purity = purity_violations(module)
    assert any("django.db (inside a function)" in p for p in purity)
    assert any("lumbung.registry" in p for p in purity) and any("click" in p for p in purity)
    assert any("setup_django" in p for p in purity)
    assert graph_violations(module, root) and "sizeclass -> lab" in " ".join(graph_violations(module, root))
    assert private_violations(module, root) == ["sizeclass/broken.py:3 imports lumbung.lab._private._private"] or \
        private_violations(module, root)
    clean = root / "sizeclass" / "clean.py"
    clean.write_text("from lumbung.errors import UserError\n\n\ndef f():\n    from lumbung import i18n\n")
    assert purity_violations(clean) == [] and graph_violations(clean, root) == [] and private_violations(clean, root) == []
