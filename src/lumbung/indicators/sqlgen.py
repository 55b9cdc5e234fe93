"""Compile catalogue entries to one SQL statement (DuckDB dialect, transpiled by sqlglot).

One statement computes many indicators. Two plans, with the same numbers:

* **Linked** (``links=True``: partitions written by ``lumbung analytics build`` carry the panel
  links of lumbung.indicators.panel): one scan, one GROUP BY over the cells of each row's own
  year (``g``). Cross-sectional indicators and ``entry`` (``NOT in_prev``) are aggregated on the
  rows of year Y; ``exit`` (``NOT in_next``), ``graduation`` and ``growth`` (``next_*``) on the
  rows of Y-1, whose cells are then relabelled Y (``year + 1``). No self-join.
* **Joined** (tables without the links, or a growth of a field with no ``next_`` column): side
  ``a`` (the cell of year Y) finds who also reported in Y-1 with a left join; side ``b`` (the cell
  of Y-1, counted in year Y) left-joins the same enterprise in Y.

Either way the two grouped sides are joined on the cell, and shares divide by a window total.
Only portable SQL is produced (CASE inside COUNT/SUM/MAX, LEFT/FULL joins, window sums), so the
same definitions run on Spark: ``to_sql(..., dialect="spark")``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp

from lumbung.i18n import _
from lumbung.indicators import dimensions as D
from lumbung.indicators.catalogue import Indicator, get, parse_expression
from lumbung.indicators.schema import LINKED_FIELDS, NEXT_PREFIX, size_column

SIZE_RANK = {"micro": 1, "small": 2, "medium": 3, "large": 4}
NEXT = NEXT_PREFIX  # a field's Y+1 value: a stored column (linked) or the joined row's (joined)
SIDE_B_KINDS = frozenset({"exit", "graduation", "growth"})


class QueryError(ValueError):
    pass


@dataclass
class Plan:
    """What a compiled statement returns: ``dim_<name>`` columns and ``<id>__num/den/n/max`` per indicator."""
    indicators: list[Indicator]
    by: list[str]
    sql: str
    years: list[int] | None = None
    panel_years: list[int] | None = None
    columns: list[str] = field(default_factory=list)


class Row:
    """Renders catalogue expressions against the analytics row (optionally the Y+1 values, ``next_*``)."""

    def __init__(self, regime: str):
        self.size = size_column(regime)

    def __call__(self, text: str | None, nxt: bool = False) -> str:
        if not text:
            return "TRUE"
        size = self.size

        def rename(node: exp.Expression) -> exp.Expression:
            if isinstance(node, exp.Column):
                name = size if node.name == "size_class" else node.name
                return exp.column(NEXT + name if nxt else name)
            return node

        return "(" + parse_expression(text).transform(rename).sql(dialect="duckdb") + ")"

    def cond(self, text: str | None) -> str | None:
        """A population condition, or None for "every row"."""
        return self(text) if text else None

    def fields(self, text: str | None) -> set[str]:
        if not text:
            return set()
        return {self.size if c.name == "size_class" else c.name for c in parse_expression(text).find_all(exp.Column)}


def _rank(column: str) -> str:
    whens = " ".join(f"WHEN '{k}' THEN {v}" for k, v in SIZE_RANK.items())
    return f"(CASE {column} {whens} END)"


def _in_list(values) -> str:
    return "(" + ", ".join(str(int(v)) for v in values) + ")"


def _literal(value) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _when(conds: list[str | None], value: str) -> str:
    """``value`` where every condition holds (NULL otherwise); aggregates skip the NULLs."""
    conds = [c for c in conds if c]
    return f"CASE WHEN {' AND '.join(conds)} THEN {value} END" if conds else value


def _count(conds: list[str | None], weight: str | None = None) -> str:
    """Rows (or, with a weight column, the weights) where every condition holds."""
    if weight:
        return f"SUM({_when(conds, weight)})"
    conds = [c for c in conds if c]
    if len(conds) == 1 and (known := _known_of(conds[0])):
        return f"COUNT({known})"  # rows where X IS NOT NULL: COUNT(X), no CASE per row
    return f"COUNT({_when(conds, '1')})" if conds else "COUNT(*)"


def _count_known(conds: list[str | None], expr: str, weight: str | None = None) -> str:
    """Rows where the conditions hold and ``expr`` is not NULL."""
    if weight:
        return f"SUM({_when([*conds, f'{expr} IS NOT NULL'], weight)})"
    twin = _null_twin(expr)
    if twin is None:
        return _count(conds)
    return f"COUNT({_when(conds, twin)})"


def _bare(expr: str) -> exp.Expression:
    tree = sqlglot.parse_one(expr, read="duckdb")
    while isinstance(tree, exp.Paren):
        tree = tree.this
    return tree


#: comparisons that are NULL exactly when a side is NULL
_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)


def _null_twin(expr: str) -> str | None:
    """A cheaper expression that is NULL exactly where ``expr`` is (None: ``expr`` is never NULL).

    Counting the known values of a rate's condition (``COUNT(credit_kur > 0)``) is counting the
    column (``COUNT(credit_kur)``): a comparison of a column with a literal is NULL only where
    the column is; ``X IS [NOT] NULL`` is never NULL. The aggregate is evaluated on every row,
    so each expression spared is ~1-2% of a national query. Anything else is kept as it is.
    """
    tree = _bare(expr)
    if isinstance(tree, exp.Is) or (isinstance(tree, exp.Not) and isinstance(_unparen(tree.this), exp.Is)):
        return None
    if isinstance(tree, _COMPARISONS):
        left, right = _unparen(tree.this), _unparen(tree.expression)
        for side, other in ((left, right), (right, left)):
            if isinstance(side, exp.Column) and isinstance(other, exp.Literal):
                return side.sql(dialect="duckdb")
    return expr


def _unparen(node: exp.Expression) -> exp.Expression:
    while isinstance(node, exp.Paren):
        node = node.this
    return node


def _known_of(cond: str) -> str | None:
    """X where ``cond`` is ``X IS NOT NULL`` of a column X, else None."""
    tree = _bare(cond)
    if isinstance(tree, exp.Not) and isinstance(inner := _unparen(tree.this), exp.Is) \
            and isinstance(inner.expression, exp.Null) and isinstance(_unparen(inner.this), exp.Column):
        return _unparen(inner.this).sql(dialect="duckdb")
    return None


def _known(expr: str) -> str | None:
    """The condition that ``expr`` is known; None for a constant."""
    tree = sqlglot.parse_one(expr, read="duckdb")
    while isinstance(tree, exp.Paren):
        tree = tree.this
    return None if tree.is_number else f"{expr} IS NOT NULL"


def _aggregates_a(ind: Indicator, row: Row, weight: str | None, panel_years, all_panel: bool,
                  year_cond: bool = True) -> dict[str, str]:
    """Aggregates over the rows of year Y (cell of Y). Written lean, since they run per row:
    SUM, COUNT(expr) and MAX skip NULLs, so "known" conditions are only spelled out where the
    other side of a ratio must be known too. ``year_cond`` False: entry's condition on the year
    is left to the caller (:func:`_entry_gate`)."""
    pop = row.cond(ind.population)
    out: dict[str, str] = {}
    if ind.kind == "count" or (ind.kind == "share" and not ind.numerator):
        out["num"] = out["n"] = _count([pop], weight)
    elif ind.kind in ("sum", "share"):
        x = row(ind.numerator)
        out["num"] = f"SUM({_when([pop], x)})"
        out["n"] = _count_known([pop], x, weight)
        if ind.is_money_sum and not weight:
            out["max"] = f"MAX({_when([pop], f'ABS({x})')})"
    elif ind.kind == "ratio":
        x, y = row(ind.numerator), row(ind.denominator)
        y_sum = f"{y} * {weight}" if (weight and _known(y) is None) else y
        out["num"] = f"SUM({_when([pop, _known(y)], x)})"
        out["den"] = f"SUM({_when([pop, _known(x)], y_sum)})"
        out["n"] = _count_known([pop, _known(y)], x, weight)
        if ind.is_money_sum and not weight:
            out["max"] = f"MAX({_when([pop, _known(y)], f'ABS({x})')})"
    elif ind.kind == "rate":
        c = row(ind.numerator)
        out["num"] = _count([pop, c], weight)
        out["den"] = out["n"] = _count_known([pop], c, weight)
    elif ind.kind == "entry":
        known = [pop, _entry_gate(panel_years, all_panel) if year_cond else None]
        out["num"] = _count([*known, "NOT in_prev"])
        out["den"] = out["n"] = _count(known)
    return out


def _entry_gate(panel_years, all_panel: bool) -> str | None:
    """Entry counts only in panel years (a year whose year before is there)."""
    if all_panel:
        return None
    return f"year IN {_in_list(panel_years)}" if panel_years else "FALSE"


def _aggregates_b(ind: Indicator, row: Row) -> dict[str, str]:
    """Aggregates over the rows of year Y-1 joined to the same enterprise in Y (cell of Y-1).
    Columns from Y (``next_*``) are NULL where the enterprise did not report in Y."""
    pop = row.cond(ind.population)
    out: dict[str, str] = {}
    if ind.kind == "exit":
        out["num"] = _count([pop, "NOT in_next"])
        out["den"] = out["n"] = _count([pop])
    elif ind.kind == "graduation":
        before, after = _rank(row.size), _rank(NEXT + row.size)
        op = ">" if ind.direction == "up" else "<"
        out["num"] = _count([pop, f"{after} {op} {before}"])
        out["den"] = out["n"] = _count_known([pop], f"({after} - {before})")
    elif ind.kind == "growth":
        x, x_next = row(ind.numerator), row(ind.numerator, nxt=True)
        out["num"] = f"SUM({_when([pop, _known(x)], x_next)})"
        out["den"] = f"SUM({_when([pop, _known(x_next)], x)})"
        out["n"] = _count_known([pop, _known(x)], x_next)
    return out


def _where_sql(where: dict, regime: str) -> str:
    parts = []
    for dim, value in (where or {}).items():
        values = value if isinstance(value, (list, tuple, set)) else [value]
        col = f"dim_{dim}"
        parts.append(f"{col} IN ({', '.join(_literal(v) for v in values)})")
    return " AND ".join(parts)


def _check_where(where: dict | None) -> dict:
    where = dict(where or {})
    unknown = [d for d in where if d not in D.DIMENSIONS]
    if unknown:
        raise D.DimensionError(_("unknown dimension {names} in where (one of {dims})").format(
            names=", ".join(unknown), dims=", ".join(D.DIMENSIONS)))
    return where


def compile_plan(indicators: list[Indicator], by: list[str], years: list[int] | None = None,
                 regime: str = "bps-workers", where: dict | None = None, table: str = "reports",
                 available_years: list[int] | None = None, weight: str | None = None,
                 links: bool = False) -> Plan:
    """Build the statement (DuckDB dialect). ``years`` None: every row of ``table``. ``links``:
    the table carries the panel links (lumbung.indicators.panel), so no self-join is needed."""
    D.check_regime(regime)
    where = _check_where(where)
    row = Row(regime)
    panel = any(i.is_panel for i in indicators)
    if weight and panel:
        raise QueryError(_("panel indicators need enterprise-level rows"))
    need_entry = any(i.kind == "entry" for i in indicators)
    side_b = [i for i in indicators if i.kind in SIDE_B_KINDS]
    dims = sorted(set(by) | set(where))
    # dims also used for filtering are computed; only `by` ones are grouped on.
    years = sorted(set(years)) if years else None
    panel_years = _panel_years(years, available_years) if panel else None

    fields = {"enterprise_id", "year"} | ({weight} if weight else set())
    next_fields: set[str] = set()
    for ind in indicators:
        for text in (ind.numerator, ind.denominator, ind.population):
            fields |= row.fields(text)
        if ind.kind == "graduation":
            fields.add(row.size)
            next_fields.add(row.size)
        if ind.kind == "growth":
            next_fields |= row.fields(ind.numerator)
    # A year filter in `where` is on the cell's year, which side b shifts: left to the joined plan.
    linked = links and panel and next_fields <= set(LINKED_FIELDS) and "year" not in where
    all_panel = panel_years is not None and set(years or available_years or [None]) <= set(panel_years)
    q = _Query(indicators, by, dims, years, panel_years, regime, where, table, weight, row, next_fields, all_panel)
    if linked:
        q.fields = sorted(fields | ({"in_prev"} if need_entry else set())
                          | ({"in_next", *(NEXT + f for f in next_fields)} if side_b else set()))
        ctes, a_alias, b_alias = _linked(q, side_b)
    else:
        q.fields = sorted(fields | next_fields)
        ctes, a_alias, b_alias = _joined(q, side_b, need_entry)
    group_cols = [f"dim_{d}" for d in by]
    body = _final(group_cols, a_alias, b_alias, indicators)
    sql = "WITH " + ",\n".join(ctes) + "\n" + body
    return Plan(indicators=indicators, by=by, sql=sql, years=years, panel_years=panel_years,
                columns=group_cols + list(a_alias) + list(b_alias)
                + [f"{i.id}__den" for i in indicators if i.kind == "share"])


@dataclass
class _Query:
    """What both plans need to know about one request."""
    indicators: list[Indicator]
    by: list[str]
    dims: list[str]
    years: list[int] | None
    panel_years: list[int] | None
    regime: str
    where: dict
    table: str
    weight: str | None
    row: Row
    next_fields: set[str]
    all_panel: bool  # every requested year has its year before: entry needs no year condition
    fields: list[str] = field(default_factory=list)

    @property
    def group_cols(self) -> list[str]:
        return [f"dim_{d}" for d in self.by]

    @property
    def filt(self) -> str:
        return _where_sql(self.where, self.regime)

    def src(self, read_years: list[int] | None, keys: bool = False) -> str:
        """The row source: the fields and ``dim_<d>`` (with the unknown bucket) for every dimension;
        with ``keys``, ``dim_<d>`` for the ``where`` dimensions only and the raw column of each
        ``by`` dimension as ``key_<d>``."""
        columns = [f"{D.sql(d, self.regime)} AS dim_{d}" for d in (sorted(self.where) if keys else self.dims)]
        if keys:
            columns += [f"{D.column(d, self.regime)} AS key_{d}" for d in self.by if d != "year"]
        select = ", ".join(self.fields + columns)
        where = f" WHERE year IN {_in_list(read_years)}" if read_years else ""
        # NOT MATERIALIZED: each use re-reads only the columns it needs, instead of DuckDB keeping a
        # full copy of the rows (half the memory, faster). Other dialects get a plain CTE (to_sql).
        return f"src AS NOT MATERIALIZED (SELECT {select} FROM {self.table}{where})"

    def a_aggregates(self) -> dict[str, str]:
        return {f"{ind.id}__{key}": sql for ind in self.indicators if ind.kind not in SIDE_B_KINDS
                for key, sql in _aggregates_a(ind, self.row, self.weight, self.panel_years, self.all_panel).items()}

    def read_years(self) -> list[int] | None:
        panel = self.panel_years is not None
        return sorted(set(self.years) | ({y - 1 for y in self.years} if panel else set())) if self.years else None


def _linked(q: _Query, side_b: list[Indicator]) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """One scan and one GROUP BY (``g``) over each row's own cell and year, keyed on the raw
    dimension columns (the unknown bucket is applied to the few grouped rows, not to every row:
    ~10% faster on the national benchmark); side a keeps the cells of the requested years, side
    b those of the years before the panel years, relabelled Y."""
    ctes = [q.src(q.read_years(), keys=True)]
    # name -> (aggregate over the rows, condition on the grouped row's year or None)
    a_named = {f"{i.id}__{k}": (sql, _entry_gate(q.panel_years, q.all_panel) if i.kind == "entry" else None)
               for i in q.indicators if i.kind not in SIDE_B_KINDS
               for k, sql in _aggregates_a(i, q.row, q.weight, q.panel_years, q.all_panel,
                                           year_cond=i.kind != "entry").items()}
    a_named = a_named or {"a_rows": ("COUNT(*)", None)}  # side a keeps the cells even with no aggregate of its own
    b_named = {f"{i.id}__{k}": (sql, None) for i in side_b for k, sql in _aggregates_b(i, q.row).items()}
    # Each distinct aggregate is computed once in g, whichever side needs it (entry's year
    # condition is applied to g's rows, where the year is a group key: not on every row).
    g_alias: dict[str, str] = {}
    for sql, _gate in [*a_named.values(), *b_named.values()]:
        g_alias.setdefault(sql, f"g{len(g_alias)}")
    a_out, a_alias = _sides(a_named, g_alias, "a")
    b_out, b_alias = _sides(b_named, g_alias, "b")
    keys = [f"key_{d}" for d in q.by if d != "year"] + ["year"]
    ctes.append(_grouped("g", "src", keys, {alias: sql for sql, alias in g_alias.items()}, q.filt))
    ctes.append(_regrouped("a", q, a_out, f"year IN {_in_list(q.years)}" if q.years else "", shift=0))
    if side_b:
        before = f"year IN {_in_list([y - 1 for y in q.panel_years])}" if q.panel_years else "FALSE"
        ctes.append(_regrouped("b", q, b_out, before, shift=1))
    return ctes, a_alias, b_alias


def _sides(named: dict[str, tuple[str, str | None]], g_alias: dict[str, str], prefix: str):
    """One side's outputs from g: (alias -> (g column, its aggregate, gate), name -> alias)."""
    out: dict[tuple[str, str | None], str] = {}
    alias: dict[str, str] = {}
    for name, (sql, gate) in named.items():
        alias[name] = out.setdefault((sql, gate), f"{prefix}{len(out)}")
    return {a: (g_alias[sql], sql, gate) for (sql, gate), a in out.items()}, alias


def _regrouped(name: str, q: _Query, outputs: dict[str, tuple[str, str, str | None]], where: str, shift: int) -> str:
    """The cells of one side from ``g``: the unknown bucket applied, the year moved on by
    ``shift``, and the groups of ``g`` that fall into one cell summed up again (COUNT and SUM by
    SUM, MAX by MAX; exact, since every aggregate is one of those three). ``outputs``: alias ->
    (column of g, its aggregate, a condition on g's row or None)."""
    exprs = [(f"year + {shift}" if shift else "year") if d == "year" else f"COALESCE(key_{d}, '{D.UNKNOWN}')"
             for d in q.by]
    select = [f"{e} AS dim_{d}" for e, d in zip(exprs, q.by, strict=True)]
    select += [f"{_reaggregate(column, sql, gate)} AS {alias}" for alias, (column, sql, gate) in outputs.items()]
    cond = f" WHERE {where}" if where else ""
    group = f" GROUP BY {', '.join(exprs)}" if exprs else ""
    return f"{name} AS (SELECT {', '.join(select)} FROM g{cond}{group})"


def _reaggregate(alias: str, sql: str, gate: str | None = None) -> str:
    if gate:
        alias = f"CASE WHEN {gate} THEN {alias} END"
    if sql.startswith("COUNT("):
        return f"COALESCE(SUM({alias}), 0)"  # a count of no rows is 0, not NULL
    if sql.startswith("MAX("):
        return f"MAX({alias})"
    if sql.startswith("SUM("):
        return f"SUM({alias})"
    raise AssertionError(f"cannot re-aggregate {sql}")


def _joined(q: _Query, side_b: list[Indicator], need_entry: bool) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """Self-joins on enterprise_id: Y with Y-1 (entry) and Y-1 with Y (exit, graduation, growth)."""
    years, panel_years, row = q.years, q.panel_years, q.row
    ctes = [q.src(q.read_years())]
    year_filter = f" WHERE s.year IN {_in_list(years)}" if years else ""
    if need_entry:
        ctes.append("cur AS (SELECT s.*, (p.enterprise_id IS NOT NULL) AS in_prev FROM src AS s "
                    "LEFT JOIN (SELECT enterprise_id, year FROM src) AS p "
                    f"ON p.enterprise_id = s.enterprise_id AND p.year = s.year - 1{year_filter})")
    else:
        ctes.append(f"cur AS (SELECT s.* FROM src AS s{year_filter})")
    a_unique, a_alias = _dedupe(q.a_aggregates(), "a")
    ctes.append(_grouped("a", "cur", q.group_cols, a_unique or {"a_rows": "COUNT(*)"}, q.filt))

    b_alias: dict[str, str] = {}
    if side_b:
        next_fields, dims = q.next_fields, q.dims
        # carry through the Y-1 / Y join only what the side-b indicators read
        b_fields = {"enterprise_id"} | next_fields
        for ind in side_b:
            b_fields |= row.fields(ind.numerator) | row.fields(ind.population)
        b_cols = sorted(b_fields - {"year"}) + [f"dim_{d}" for d in dims if d != "year"]
        select = ", ".join(f"p.{c}" for c in b_cols)
        select += ", p.year + 1 AS year" + (", p.year + 1 AS dim_year" if "year" in dims else "")
        select += ", (n.enterprise_id IS NOT NULL) AS in_next"
        select += "".join(f", n.{c} AS {NEXT}{c}" for c in sorted(next_fields))
        # Both sides filtered on the plain year column, so that the planner builds its hash table
        # on the narrow Y side rather than on the Y-1 rows with their dimension strings.
        before = _in_list([y - 1 for y in panel_years]) if panel_years else None
        after = _in_list(panel_years) if panel_years else None
        n_cols = ", ".join(["enterprise_id", "year", *sorted(next_fields)])
        n_src = f"(SELECT {n_cols} FROM src WHERE year IN {after})" if after else f"(SELECT {n_cols} FROM src WHERE FALSE)"
        b_where = f" WHERE p.year IN {before}" if before else " WHERE FALSE"
        ctes.append(f"nxt AS (SELECT {select} FROM src AS p LEFT JOIN {n_src} AS n "
                    f"ON n.enterprise_id = p.enterprise_id AND n.year = p.year + 1{b_where})")
        b_named = {f"{i.id}__{k}": sql for i in side_b for k, sql in _aggregates_b(i, row).items()}
        b_unique, b_alias = _dedupe(b_named, "b")
        ctes.append(_grouped("b", "nxt", q.group_cols, b_unique, q.filt))
    return ctes, a_alias, b_alias


def _dedupe(named: dict[str, str], prefix: str) -> tuple[dict[str, str], dict[str, str]]:
    """Compute each distinct aggregate once: (alias -> sql, output name -> alias)."""
    alias_of_sql: dict[str, str] = {}
    alias: dict[str, str] = {}
    for name, sql in named.items():
        if sql not in alias_of_sql:
            alias_of_sql[sql] = f"{prefix}{len(alias_of_sql)}"
        alias[name] = alias_of_sql[sql]
    return {a: sql for sql, a in alias_of_sql.items()}, alias


def _panel_years(years, available):
    if available is None:
        return years  # the caller vouches that Y-1 exists for every requested year
    avail = set(available)
    candidates = years if years else sorted(avail)
    return [y for y in candidates if y in avail and y - 1 in avail]


def _grouped(name: str, source: str, group_cols: list[str], aggs: dict[str, str], filt: str) -> str:
    select = ", ".join(group_cols + [f"{sql} AS {alias}" for alias, sql in aggs.items()])
    where = f" WHERE {filt}" if filt else ""
    group = f" GROUP BY {', '.join(group_cols)}" if group_cols else ""
    return f"{name} AS (SELECT {select} FROM {source}{where}{group})"


def _final(group_cols, a_alias: dict[str, str], b_alias: dict[str, str], indicators) -> str:
    outputs = [f"a.{alias} AS {name}" for name, alias in a_alias.items()]
    outputs += [f"b.{alias} AS {name}" for name, alias in b_alias.items()]
    if b_alias:
        keys = [f"COALESCE(a.{c}, b.{c}) AS {c}" for c in group_cols]
        on = " AND ".join(f"a.{c} = b.{c}" for c in group_cols) if group_cols else "TRUE"
        inner = f"SELECT {', '.join(keys + outputs)} FROM a FULL OUTER JOIN b ON {on}"
    else:
        inner = f"SELECT {', '.join([f'a.{c}' for c in group_cols] + outputs)} FROM a"
    shares = [i for i in indicators if i.kind == "share"]
    if not shares:
        return inner
    partition = " PARTITION BY dim_year" if "dim_year" in group_cols else ""
    windows = ", ".join(f"SUM({i.id}__num) OVER ({partition.strip()}) AS {i.id}__den" for i in shares)
    return f", cells AS ({inner})\nSELECT *, {windows} FROM cells"


def to_sql(ids, by=(), years=None, regime: str = "bps-workers", where: dict | None = None,
           dialect: str = "duckdb", table: str = "reports", available_years=None, links: bool = True) -> str:
    """The SQL statement computing ``ids`` by ``by`` over the analytics table named ``table``,
    in ``dialect`` ("duckdb" or "spark", or any dialect sqlglot writes). ``links``: the table has
    the panel-link columns that ``lumbung analytics build`` writes (False: self-joins instead)."""
    indicators = get(ids) if isinstance(ids, str) or (ids and isinstance(next(iter(ids)), str)) else list(ids)
    plan = compile_plan(indicators, D.parse_by(by), years=years, regime=regime, where=where, table=table,
                        available_years=available_years, links=links)
    return transpile(plan.sql, dialect)


def transpile(sql: str, dialect: str, pretty: bool = True) -> str:
    """A compiled statement (DuckDB dialect) in another ``dialect`` that sqlglot writes."""
    if dialect == "duckdb":
        return sql
    tree = sqlglot.parse_one(sql, read="duckdb")
    for cte in tree.find_all(exp.CTE):
        cte.set("materialized", None)  # a DuckDB planning hint
    return tree.sql(dialect=dialect, pretty=pretty)
