"""Secondary cell suppression by the hypercube method, on a table together with all its margins.

Used by :mod:`lumbung.indicators.disclosure`; pure Python and numpy. The method is the one of
Repsilber's GHMITER (τ-ARGUS), described in Hundepool et al., *Statistical Disclosure Control*
(Wiley 2012), ch. 4 and in Giessing & Repsilber (2002), "Tools and strategies to protect
multiple tables with the GHQUAR cell suppression engine", LNCS 2316:

* A table is extended with its margins: every dimension is a tree whose root is the total
  (granularity 0) and whose leaves are the published categories; a hierarchy (province above
  regency, KBLI section above division) adds levels in between. Every combination of
  granularities is a *level*: the level of the leaves is the query itself, the others are the
  sub-queries that publish its margins (the same cells ``compute`` gives without a dimension
  or at a coarser one).
* Levels are processed coarsest first, so a sub-query's pattern is fixed before the finer table
  that contains it is protected, exactly as the engine protects that sub-query when it is asked
  alone: every published margin is consistent with the finer tables.
* At each level every sensitive cell of that level *or of a coarser one* gets a perturbation
  that changes no published cell and no additive relation: the tensor product, over the
  dimensions, of a +1/-1 path in each dimension's tree (the 2^k corners of a hypercube in a
  table without hierarchy). All corners become suppressed. Moving the sensitive cell by +t and
  the corners by their signs keeps every public total, so an attacker who knows every published
  cell and margin can only bound the cell within [x - down, x + up], where up (down) is the
  smallest value among the corners that decrease when the cell goes up (down). A hypercube is
  chosen only if those slacks reach the protection level; several are combined if one does not.
* The cost of a complementary cell is its number of enterprises: the heuristic suppresses the
  cells with the smallest contribution, and prefers corners already suppressed (cost 0).

Known limits (as for GHMITER): the search is greedy and looks at a bounded number of
alternatives per dimension, so it can over-suppress; it can fail to reach a protection level
when no hypercube in the table has enough slack (those cells are reported); it protects one
table with its margins, not arbitrary sets of linked tables (e.g. queries filtered with
``where``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

TOTAL = ""  # label of the root (the total) of every dimension
Node = tuple[int, str]  # (granularity, label) within one dimension
Key = tuple[Node, ...]  # one cell of the extended table

#: How many alternatives per dimension the search keeps after ranking the one-dimensional lines.
OPTIONS_PER_DIMENSION = 5
#: How many leaves below a coarse cell are tried as the start of its path down to the level.
LEAVES_PER_COARSE_CELL = 8
#: How many hypercubes may be combined to protect one cell at one level.
HYPERCUBES_PER_CELL = 6
#: Largest number of candidate cells for the null-space fallback (an SVD of that size).
FALLBACK_CELLS = 1500
#: How many single extra cells the fallback tries.
FALLBACK_TRIALS = 25


@dataclass(frozen=True)
class Rules:
    """Sensitivity rules and protection level (see docs/disclosure.md for their sources)."""

    min_firms: int = 3
    dominance: float = 0.85
    protection: float = 0.10


class Dimension:
    """One dimension as a tree: the root is the total; ``parents`` map a label to its parent label,
    finest first (e.g. regency -> province)."""

    def __init__(self, leaves: Sequence[str], parents: Sequence[Callable[[str], str]] = ()):
        self.depth = len(parents) + 1
        self._chains: dict[str, list[Node]] = {}
        self.parent: dict[Node, Node] = {}
        self.nodes: dict[int, list[Node]] = {g: [] for g in range(self.depth + 1)}
        self.nodes[0] = [(0, TOTAL)]
        for leaf in sorted(set(leaves)):
            node, label = (self.depth, leaf), leaf
            for g, parent in zip(range(self.depth - 1, 0, -1), parents, strict=False):
                label = str(parent(label))
                self._link(node, (g, label))
                node = (g, label)
            self._link(node, (0, TOTAL))
        self.leaves_below: dict[Node, dict[int, list[Node]]] = {}
        for g in range(self.depth, 0, -1):
            for node in self.nodes[g]:
                self.leaves_below.setdefault(node, {})[g] = [node]
                up = self.parent[node]
                below = self.leaves_below.setdefault(up, {})
                for gg, found in self.leaves_below[node].items():
                    below.setdefault(gg, []).extend(found)
        self.leaves_below.setdefault((0, TOTAL), {})[0] = [(0, TOTAL)]

    def _link(self, child: Node, parent: Node) -> None:
        if child not in self.parent:
            self.parent[child] = parent
            self.nodes[child[0]].append(child)

    def chain(self, node: Node) -> list[Node]:
        """``node`` and its ancestors up to the root."""
        out = [node]
        while out[-1][0] > 0:
            out.append(self.parent[out[-1]])
        return out

    def at(self, leaf: str, granularity: int) -> Node:
        chain = self._chains.get(leaf)
        if chain is None:
            chain = self._chains[leaf] = self.chain((self.depth, leaf))
        return chain[self.depth - granularity]

    def paths(self, node: Node, granularity: int) -> list[dict[Node, int]]:
        """Perturbations of this dimension that move ``node`` by +1 and keep every relation
        "parent = sum of children" between granularity 0 and ``granularity``.

        Each starts at a category of that granularity below ``node``; it either climbs to the
        root (all +1; the total moves too) or meets a path from another category (-1) at their
        lowest common ancestor, which does not move."""
        if granularity == 0:
            return [{node: 1}]
        inside = set(self.leaves_below[node][granularity])
        below = self.leaves_below[node][granularity][:LEAVES_PER_COARSE_CELL]
        others = [w for w in self.nodes[granularity] if w not in inside]
        out = []
        for start in below:
            up = self.chain(start)
            out.append({n: 1 for n in up})
            for other in others:
                down = self.chain(other)
                common = set(up) & set(down)
                path = {n: 1 for n in up if n not in common}
                path.update({n: -1 for n in down if n not in common})
                out.append(path)
        return out


@dataclass
class Extended:
    """The table with all its margins: one entry per cell of every level."""

    keys: list[Key]
    index: dict[Key, int]
    level: list[tuple[int, ...]]
    values: np.ndarray  # (cells, members)
    firms: np.ndarray  # (cells,)
    top: np.ndarray  # (cells, members): largest single contribution, NaN where no dominance rule
    suppressed: np.ndarray = field(default=None)  # type: ignore[assignment]
    primary: np.ndarray = field(default=None)  # type: ignore[assignment]


def levels_of(dims: Sequence[Dimension]) -> list[tuple[int, ...]]:
    """Every combination of granularities, coarsest first."""
    every = itertools.product(*(range(d.depth + 1) for d in dims))
    return sorted(every, key=lambda lv: (sum(lv), lv))


def extend(dims: Sequence[Dimension], leaves: Sequence[Sequence[str]], values: np.ndarray,
           firms: np.ndarray, top: np.ndarray) -> Extended:
    """Aggregate the leaf cells to every level: values and firm counts add up, the largest
    contribution of a margin is the largest of its cells'."""
    keys: list[Key] = []
    index: dict[Key, int] = {}
    level: list[tuple[int, ...]] = []
    sums: list[np.ndarray] = []
    counts: list[float] = []
    tops: list[np.ndarray] = []
    for lv in levels_of(dims):
        for row, leaf in enumerate(leaves):
            key = tuple(d.at(label, g) for d, label, g in zip(dims, leaf, lv, strict=False))
            at = index.get(key)
            if at is None:
                index[key] = at = len(keys)
                keys.append(key)
                level.append(lv)
                sums.append(np.zeros(values.shape[1]))
                counts.append(0.0)
                tops.append(np.full(values.shape[1], np.nan))
            sums[at] = sums[at] + values[row]
            counts[at] += firms[row]
            tops[at] = np.fmax(tops[at], top[row])
    n, m = len(keys), values.shape[1]
    return Extended(keys, index, level, np.array(sums).reshape(n, m), np.array(counts),
                    np.array(tops).reshape(n, m))


def sensitive(table: Extended, rules: Rules) -> np.ndarray:
    """Primary suppression: fewer than ``min_firms`` enterprises, or one enterprise holding more
    than ``dominance`` of a money total (absolute values, so that cancelling signs do not hide a
    dominant enterprise)."""
    few = (table.firms > 0) & (table.firms < rules.min_firms)
    with np.errstate(invalid="ignore"):
        dominated = np.abs(table.top) > rules.dominance * np.abs(table.values)
    return few | (dominated & (np.abs(table.top) > 0)).any(axis=1)


def requirements(table: Extended, rules: Rules, cell: int) -> tuple[np.ndarray, np.ndarray]:
    """Upper and lower protection levels of a sensitive cell, per member quantity.

    Both are ``protection`` x |value|; for a dominated total the upper level is at least
    top / dominance - value, the amount the attacker must be unable to rule out for the cell to
    look non-dominated (Hundepool et al. 2012, ch. 4)."""
    x = np.abs(table.values[cell])
    top = np.nan_to_num(np.abs(table.top[cell]))
    upper = np.maximum(rules.protection * x, top / rules.dominance - x)
    upper = np.maximum(upper, 1e-9)  # at least some freedom upwards, even for an empty total
    return upper, rules.protection * x


@dataclass
class Cube:
    corners: list[tuple[int, float]]  # (cell, weight): +-1 in a hypercube
    cost: float
    up: np.ndarray
    down: np.ndarray


class Protector:
    """Runs the hypercube heuristic over an extended table; see the module docstring."""

    def __init__(self, dims: Sequence[Dimension], table: Extended, rules: Rules):
        self.dims, self.table, self.rules = list(dims), table, rules
        self.bounded = ~(table.values < 0).any(axis=0)  # a quantity that can be negative has no floor
        table.primary = sensitive(table, rules)
        table.suppressed = table.primary.copy()
        self.unprotected: set[int] = set()
        self.relations = self._relations()

    def _relations(self) -> list[tuple[int, list[int]]]:
        """Every additive relation of the extended table: (margin cell, the cells it sums)."""
        groups: dict[tuple[int, int], list[int]] = {}
        for cell, key in enumerate(self.table.keys):
            for d, dim in enumerate(self.dims):
                if key[d][0] > 0:
                    parent = self.table.index[key[:d] + (dim.parent[key[d]],) + key[d + 1:]]
                    groups.setdefault((parent, d), []).append(cell)
        return [(parent, children) for (parent, _), children in sorted(groups.items())]

    def run(self) -> None:
        for lv in levels_of(self.dims):
            targets = [c for c in np.flatnonzero(self.table.primary)
                       if all(a <= b for a, b in zip(self.table.level[c], lv, strict=False))]
            targets.sort(key=lambda c: (sum(self.table.level[c]), -np.abs(self.table.values[c]).max(initial=0),
                                        self.table.keys[c]))
            for cell in targets:
                self._protect(cell, lv)

    def _protect(self, cell: int, lv: tuple[int, ...]) -> None:
        need_up, need_down = requirements(self.table, self.rules, cell)
        got_up, got_down = np.zeros_like(need_up), np.zeros_like(need_down)
        # What each cell can still give when the cell moves up (corners that decrease) and down.
        residual: tuple[dict[int, np.ndarray], dict[int, np.ndarray]] = ({}, {})
        for _ in range(HYPERCUBES_PER_CELL):
            still_up, still_down = np.maximum(need_up - got_up, 0), np.maximum(need_down - got_down, 0)
            cube = self._best(cell, lv, residual, still_up, still_down)
            if cube is None:
                cube = self._fallback(cell, lv, residual, still_up, still_down)
            if cube is None:
                break
            for corner, weight in cube.corners:
                self.table.suppressed[corner] = True
                side, used = (0, cube.up) if weight < 0 else (1, cube.down)
                residual[side][corner] = (self._residual(residual[side], corner)
                                          - np.where(np.isfinite(used), used, 0) * abs(weight))
            got_up, got_down = got_up + cube.up, got_down + cube.down
            if (got_up >= need_up).all() and (got_down >= need_down).all():
                self.unprotected.discard(cell)
                return
        self.unprotected.add(cell)

    def _residual(self, residual: dict[int, np.ndarray], cell: int) -> np.ndarray:
        return residual.get(cell, self.table.values[cell])

    def _line(self, cell: int, d: int, path: dict[Node, int]) -> list[tuple[Key, int]]:
        key = self.table.keys[cell]
        return [(key[:d] + (node,) + key[d + 1:], sign) for node, sign in path.items()]

    def _evaluate(self, corners: list[tuple[Key, float]], lv, residual) -> Cube | None:
        cells = []
        for key, weight in corners:
            at = self.table.index.get(key)
            if at is None:  # no enterprise there: a known zero cannot move
                return None
            cells.append((at, weight))
        return self._slack(cells, lv, residual)

    def _slack(self, cells: list[tuple[int, float]], lv, residual) -> Cube | None:
        """How far the cell can move up and down along this perturbation before a corner turns negative."""
        cost = 0.0
        ups, downs = [], []
        for at, weight in cells:
            if not self.table.suppressed[at]:
                if self.table.level[at] != lv:  # published in a coarser sub-query: fixed
                    return None
                cost += self.table.firms[at]
            if weight < 0:
                ups.append(self._residual(residual[0], at) / -weight)
            else:
                downs.append(self._residual(residual[1], at) / weight)
        up = np.min(ups, axis=0) if ups else np.full(self.table.values.shape[1], np.inf)
        down = np.min(downs, axis=0) if downs else np.full(self.table.values.shape[1], np.inf)
        up[~self.bounded], down[~self.bounded] = np.inf, np.inf
        return Cube(cells, cost, np.maximum(up, 0), np.maximum(down, 0))

    def _fallback(self, cell, lv, residual, need_up, need_down) -> Cube | None:
        """Where no hypercube fits (sparse tables), any perturbation that keeps every published cell:
        the projection of the cell onto the null space of the relations among the cells it may use,
        weighted so that cells with room to move carry the change. Tried with the cells already
        suppressed, with those plus one more cell of this level (the roomiest first), and with every
        cell of this level; the best protection wins, then the lowest cost."""
        scope = [c for c in range(len(self.table.keys)) if all(a <= b for a, b in zip(self.table.level[c], lv, strict=False))]
        hidden = [c for c in scope if self.table.suppressed[c]]
        open_ = [c for c in scope if not self.table.suppressed[c] and self.table.level[c] == lv]
        if len(hidden) + len(open_) > FALLBACK_CELLS:
            return None
        room = {c: self._room(residual, c, cell) for c in scope}
        room[cell] = 1.0  # the cell itself always moves
        trials = [hidden] + [hidden + [c] for c in sorted(open_, key=lambda c: -room[c])[:FALLBACK_TRIALS]]
        trials.append(hidden + open_)
        best, best_score = None, None
        scope_set = set(scope)
        for candidates in trials:
            cube = self._direction(cell, candidates, scope_set, room, lv, residual, need_up, need_down)
            if cube is None:
                continue
            score = (-self._quality(cube, need_up, need_down), cube.cost)
            if score[0] < 0 and (best_score is None or score < best_score):
                best, best_score = cube, score
        return best

    def _direction(self, cell, candidates, scope, room, lv, residual, need_up, need_down) -> Cube | None:
        """The fallback's perturbation over ``candidates``; cells that block it (no room left on the
        side they move to) are taken out and the direction recomputed, a few times."""
        candidates = list(candidates)
        for _ in range(4):
            delta = self._null_direction(cell, candidates, scope, room)
            if delta is None:
                return None
            blocking = set()
            for at, weight in delta:
                if at == cell:
                    continue
                side, need = (0, need_up) if weight < 0 else (1, need_down)
                spare = np.where(self.bounded, self._residual(residual[side], at), np.inf)
                if (need > 0).any() and (spare[need > 0] <= 1e-9).any():
                    blocking.add(at)
            if not blocking:
                break
            candidates = [c for c in candidates if c not in blocking]
        return self._slack(delta, lv, residual)

    def _room(self, residual, cell: int, target: int) -> float:
        """How much a cell can give, relative to the cell being protected (bounded quantities)."""
        if not self.bounded.any():
            return 1.0
        scale = np.abs(self.table.values[target]) + 1.0
        return float(max((self._residual(residual[0], cell) / scale)[self.bounded].min(), 1e-9))

    def _null_direction(self, cell: int, candidates: list[int], scope: set[int],
                        room: dict[int, float]) -> list[tuple[int, float]] | None:
        column = {c: i for i, c in enumerate(candidates)}
        weight = np.sqrt(np.array([room[c] for c in candidates]))
        rows = []
        for parent, children in self.relations:
            if children[0] not in scope:  # a relation of a finer level (all children share one level)
                continue
            row = np.zeros(len(candidates))
            if parent in column:
                row[column[parent]] = -1.0
            for child in children:
                if child in column:
                    row[column[child]] = 1.0
            if row.any():
                rows.append(row * weight)
        if rows:
            _, singular, vt = np.linalg.svd(np.array(rows))
            rank = int((singular > 1e-9 * max(singular.max(initial=0), 1)).sum())
            null = vt[rank:].T
        else:
            null = np.eye(len(candidates))
        if not null.size:
            return None
        direction = (null @ null[column[cell]]) * weight
        if abs(direction[column[cell]]) < 1e-9:  # the relations determine the cell: no freedom here
            return None
        direction = direction / direction[column[cell]]
        return [(candidates[i], float(w)) for i, w in enumerate(direction) if abs(w) > 1e-9]

    @staticmethod
    def _quality(cube: Cube, need_up: np.ndarray, need_down: np.ndarray) -> float:
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios = np.concatenate([
                np.where(need_up > 0, cube.up / need_up, np.inf),
                np.where(need_down > 0, cube.down / need_down, np.inf),
            ])
        if not (cube.up > 0).any() and not (cube.down > 0).any():
            return 0.0
        return float(min(ratios.min(), 1.0))

    def _best(self, cell, lv, residual, need_up, need_down) -> Cube | None:
        key = self.table.keys[cell]
        choices: list[list[dict[Node, int]]] = []
        for d, dim in enumerate(self.dims):
            ranked = []
            for path in dim.paths(key[d], lv[d]):
                cube = self._evaluate(self._line(cell, d, path), lv, residual)
                if cube is not None:
                    ranked.append((-self._quality(cube, need_up, need_down), cube.cost, len(path), path))
            if not ranked:
                return None
            ranked.sort(key=lambda r: r[:3])
            choices.append([r[3] for r in ranked[:OPTIONS_PER_DIMENSION]])
        best, best_score = None, None
        for combo in itertools.product(*choices):
            corners = []
            for nodes in itertools.product(*(p.items() for p in combo)):
                sign = 1
                for _, s in nodes:
                    sign *= s
                corners.append((tuple(n for n, _ in nodes), sign))
            cube = self._evaluate(corners, lv, residual)
            if cube is None:
                continue
            quality = self._quality(cube, need_up, need_down)
            if quality <= 0:
                continue
            score = (-quality, cube.cost, len(corners))
            if best_score is None or score < best_score:
                best, best_score = cube, score
                if quality >= 1 and cube.cost == 0:  # enough, and nothing new to hide
                    break
        return best


def suppress(dims: Sequence[Dimension], leaves: Sequence[Sequence[str]], values: np.ndarray,
             firms: np.ndarray, top: np.ndarray, rules: Rules) -> tuple[np.ndarray, Extended, set[int]]:
    """Suppression pattern of the leaf cells (in ``leaves`` order), the extended table with the
    pattern of every margin, and the cells whose protection level could not be reached."""
    values = np.asarray(values, dtype=float).reshape(len(leaves), -1)
    top = np.asarray(top, dtype=float).reshape(len(leaves), -1)
    table = extend(dims, leaves, np.nan_to_num(values), np.asarray(firms, dtype=float), top)
    protector = Protector(dims, table, rules)
    protector.run()
    mask = np.array([table.suppressed[table.index[tuple(d.at(lab, d.depth) for d, lab in zip(dims, leaf, strict=False))]]
                     for leaf in leaves], dtype=bool)
    return mask, table, protector.unprotected
