"""Eligibility rules as data: a small grammar over registry fields and size classes, never ``eval``.

A rule is a Python-like expression parsed with :mod:`ast` and checked against a whitelist, the
approach of the lab's targeting rules (:func:`lumbung.lab.scenarios.compile_target`), with the
registry's own field names instead of the lab's firm state:

- fields: the registry's columns of :mod:`lumbung.vocabulary` (enterprise and latest report; the
  owner's name and NIK excepted) and the derived ``province`` (2-digit code), ``kbli_division``
  (2 digits), ``age`` (report year minus founding year);
- ``size("pp-7-2021")``: the size class under a regime of :mod:`lumbung.sizeclass`
  ("micro", "small", "medium", "large");
- ``and``, ``or``, ``not``, comparisons ``== != < <= > >=`` (chains allowed), ``in`` / ``not in``
  a list of constants, numbers (``1_000_000_000``), strings, ``True``/``False``; a yes/no field
  alone (``trained``) is a condition.

Evaluation is vectorised: a rule becomes one Polars expression over a frame with a row per
enterprise, with three-valued (Kleene) logic, so a missing value gives "unknown", never a silent
"no". The top-level ``and`` parts of a rule are its **clauses**: each is evaluated on its own too,
so a page can say which condition an enterprise does not meet (or lacks the data for).
"""

from __future__ import annotations

import ast
import difflib
from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from lumbung import vocabulary as F
from lumbung.errors import UserError
from lumbung.i18n import _
from lumbung.sizeclass import REGIME_IDS, SIZE_CLASSES, label

#: Registry fields a rule may not name: personal data (UU 27/2022) and free text.
EXCLUDED = {"owner_name", "owner_nik", "name", "source_id", "nib"}
DERIVED = {
    "province": ("text", "Provinsi", "Province"),
    "kbli_division": ("text", "Golongan pokok KBLI", "KBLI division"),
    "age": ("int", "Umur usaha (tahun)", "Age of the business (years)"),
}
#: field -> (kind, label_id, label_en); kinds: "number", "bool", "text".
FIELDS: dict[str, tuple[str, str, str]] = {
    **{f.name: ({"int": "number", "money": "number", "year": "number", "bool": "bool"}.get(f.kind, "text"),
                f.label_id, f.label_en)
       for f in F.TEMPLATE_FIELDS if f.name not in EXCLUDED},
    **{name: ("number" if kind == "int" else kind, lid, len_) for name, (kind, lid, len_) in DERIVED.items()},
}
MONEY = set(F.MONEY_COLUMNS)
#: Allowed values of text fields that have a closed list.
CHOICES = {f.name: f.choices for f in F.TEMPLATE_FIELDS if f.choices}
SIZE = "size"

_OPS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
        ast.In: "in", ast.NotIn: "not in"}
#: Operator words in both languages (data, as the size-class names are): (id, en).
OP_WORDS = {"==": ("=", "="), "!=": ("≠", "≠"), "<": ("<", "<"), "<=": ("≤", "≤"), ">": (">", ">"),
            ">=": ("≥", "≥"), "in": ("salah satu dari", "one of"), "not in": ("bukan salah satu dari", "none of")}
WORDS = {"and": ("dan", "and"), "or": ("atau", "or"), "not": ("bukan", "not"), "yes": ("ya", "yes"),
         "no": ("tidak", "no"), "size": ("kelas ukuran menurut", "size class under"), "always": ("semua usaha", "every business")}


class RuleError(UserError):
    """An eligibility rule that cannot be read; the message names the rule and the offending part."""


def _word(key: str, lang: str) -> str:
    pair = WORDS[key]
    return pair[0] if lang == "id" else pair[1]


@dataclass(frozen=True)
class Clause:
    """One top-level ``and`` part of a rule."""

    text: str  # its source text
    node: ast.expr
    fields: tuple[str, ...]  # fields it reads ("size:<regime>" for size classes)

    def expr(self) -> pl.Expr:
        return _expr(self.node)

    def describe(self, lang: str = "id") -> str:
        return _describe(self.node, lang)


@dataclass(frozen=True)
class Rule:
    text: str
    clauses: tuple[Clause, ...]  # empty: every enterprise is eligible

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f for c in self.clauses for f in c.fields))

    @property
    def regimes(self) -> tuple[str, ...]:
        return tuple(f.split(":", 1)[1] for f in self.fields if f.startswith("size:"))

    def expr(self) -> pl.Expr:
        """True (eligible), False (not), null (unknown: a value the rule needs is missing)."""
        if not self.clauses:
            return pl.lit(True)
        return pl.all_horizontal([c.expr() for c in self.clauses]) if len(self.clauses) > 1 else self.clauses[0].expr()

    def describe(self, lang: str = "id") -> str:
        if not self.clauses:
            return _word("always", lang)
        return f" {_word('and', lang)} ".join(c.describe(lang) for c in self.clauses)


def size_column(regime: str) -> str:
    """The frame column holding the size class under ``regime``."""
    return f"size_{regime}"


@lru_cache(maxsize=512)
def parse(text: str) -> Rule:
    """Parse and check a rule; :class:`RuleError` naming the offending part. An empty rule: everyone."""
    text = (text or "").strip()
    if not text:
        return Rule("", ())
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise RuleError(_("cannot read the eligibility rule {rule!r}: {problem}").format(rule=text, problem=exc.msg)) from exc
    _check(tree.body, text)
    parts = tree.body.values if isinstance(tree.body, ast.BoolOp) and isinstance(tree.body.op, ast.And) else [tree.body]
    clauses = tuple(Clause(ast.get_source_segment(text, p) or ast.unparse(p), p, tuple(dict.fromkeys(_fields(p))))
                    for p in parts)
    for clause in clauses:  # type errors surface at parse time, not on the first evaluation
        clause.expr()
    return Rule(text, clauses)


def _fields(node: ast.AST) -> list[str]:
    found = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            found.append("size:" + sub.args[0].value)
        elif isinstance(sub, ast.Name) and sub.id not in ("True", "False", SIZE):
            found.append(sub.id)
    return found


def _check(node: ast.AST, text: str) -> None:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            if not (isinstance(sub.func, ast.Name) and sub.func.id == SIZE and len(sub.args) == 1 and not sub.keywords
                    and isinstance(sub.args[0], ast.Constant) and isinstance(sub.args[0].value, str)):
                raise RuleError(_("only size(\"regime\") may be called in the eligibility rule {rule!r}").format(rule=text))
            if sub.args[0].value not in REGIME_IDS:
                raise RuleError(_("unknown size-class regime {regime!r} in the eligibility rule {rule!r}; known: "
                                  "{known}").format(regime=sub.args[0].value, rule=text, known=", ".join(REGIME_IDS)))
        elif isinstance(sub, ast.Name):
            if sub.id not in FIELDS and sub.id not in ("True", "False", SIZE):
                close = difflib.get_close_matches(sub.id, list(FIELDS), n=1)
                hint = _(" (did you mean {name!r}?)").format(name=close[0]) if close else ""
                raise RuleError(_("unknown field {name!r} in the eligibility rule {rule!r}{hint}").format(
                    name=sub.id, rule=text, hint=hint))
        elif isinstance(sub, ast.Constant):
            if isinstance(sub.value, bytes) or sub.value is None or isinstance(sub.value, complex):
                raise RuleError(_("the value {value!r} is not allowed in the eligibility rule {rule!r}").format(
                    value=sub.value, rule=text))
        elif not isinstance(sub, (ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.Compare,
                                  ast.Load, ast.List, ast.Tuple, *_OPS)):
            raise RuleError(_("{part} is not allowed in the eligibility rule {rule!r}").format(
                part=type(sub).__name__, rule=text))
    _types(node, text)


# ------------------------------------------------------------------ types

def _kind(node: ast.AST) -> str:
    """"bool", "number", "text", "size" or "const-<type>" for a checked node."""
    if isinstance(node, ast.Call):
        return "size"
    if isinstance(node, ast.Name):
        return "bool" if node.id in ("True", "False") else FIELDS[node.id][0]
    if isinstance(node, ast.Constant):
        return "bool" if isinstance(node.value, bool) else "number" if isinstance(node.value, (int, float)) else "text"
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return "number"
    return "bool"


def _types(node: ast.AST, text: str) -> None:
    """Conditions are yes/no; comparisons compare like with like; closed lists name their values."""
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            _condition(value, text)
            _types(value, text)
    elif isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.Not):
            _condition(node.operand, text)
            _types(node.operand, text)
        elif not (isinstance(node.operand, ast.Constant) and isinstance(node.operand.value, (int, float))):
            raise RuleError(_("a minus sign must stand before a number in the eligibility rule {rule!r}").format(rule=text))
    elif isinstance(node, ast.Compare):
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            _pair(left, op, right, text)
            left = right
    else:
        _condition(node, text)


def _condition(node: ast.AST, text: str) -> None:
    if _kind(node) != "bool" or (isinstance(node, ast.Constant) and not isinstance(node.value, bool)):
        raise RuleError(_("{part!r} is not a condition (yes or no) in the eligibility rule {rule!r}").format(
            part=ast.unparse(node), rule=text))


def _constant(node: ast.AST):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        return -node.operand.value
    return None


def _allowed(node: ast.AST) -> tuple[str, ...] | None:
    if isinstance(node, ast.Call):
        return SIZE_CLASSES
    if isinstance(node, ast.Name):
        return CHOICES.get(node.id)
    return None


def _pair(left: ast.AST, op: ast.cmpop, right: ast.AST, text: str) -> None:
    if isinstance(op, (ast.In, ast.NotIn)):
        if not isinstance(right, (ast.List, ast.Tuple)) or not right.elts:
            raise RuleError(_("`in` needs a list of values such as [\"micro\", \"small\"] in the eligibility rule "
                              "{rule!r}").format(rule=text))
        values = right.elts
    else:
        values = [right]
    field = left if isinstance(left, (ast.Name, ast.Call)) else right if isinstance(right, (ast.Name, ast.Call)) else None
    if field is None or (isinstance(left, (ast.Name, ast.Call)) and isinstance(right, (ast.Name, ast.Call))
                         and not isinstance(op, (ast.In, ast.NotIn))):
        raise RuleError(_("each comparison needs one field and one value in the eligibility rule {rule!r}").format(rule=text))
    other = values if field is left else [left]
    kind = _kind(field)
    allowed = _allowed(field)
    for value_node in other:
        value = _constant(value_node)
        if value is None and not isinstance(value_node, ast.Constant):
            raise RuleError(_("expected a value, got {part!r}, in the eligibility rule {rule!r}").format(
                part=ast.unparse(value_node), rule=text))
        want = "text" if kind in ("size", "text") else kind
        got = _kind(value_node)
        if want != got:
            raise RuleError(_("{field} is compared with {value!r}, a value of another kind, in the eligibility rule "
                              "{rule!r}").format(field=ast.unparse(field), value=value, rule=text))
        if allowed is not None and value not in allowed:
            raise RuleError(_("{value!r} is not a value of {field} in the eligibility rule {rule!r}; values: "
                              "{known}").format(value=value, field=ast.unparse(field), rule=text,
                                                known=", ".join(allowed)))
    if kind in ("size", "text", "bool") and not isinstance(op, (ast.Eq, ast.NotEq, ast.In, ast.NotIn)):
        raise RuleError(_("{field} can only be compared with == != in and not in, in the eligibility rule "
                          "{rule!r}").format(field=ast.unparse(field), rule=text))


# ------------------------------------------------------------------ Polars expressions

def _column(node: ast.AST) -> pl.Expr:
    if isinstance(node, ast.Call):
        return pl.col(size_column(node.args[0].value))
    return pl.col(node.id)


def _expr(node: ast.AST) -> pl.Expr:
    if isinstance(node, ast.BoolOp):
        parts = [_expr(v) for v in node.values]
        return pl.all_horizontal(parts) if isinstance(node.op, ast.And) else pl.any_horizontal(parts)
    if isinstance(node, ast.UnaryOp):
        return ~_expr(node.operand)
    if isinstance(node, ast.Constant):
        return pl.lit(node.value)
    if isinstance(node, ast.Name):
        return pl.lit(node.id == "True") if node.id in ("True", "False") else pl.col(node.id)
    out, left = None, node.left
    for op, right in zip(node.ops, node.comparators, strict=True):
        part = _compare(left, op, right)
        out = part if out is None else (out & part)
        left = right
    return out


def _compare(left: ast.AST, op: ast.cmpop, right: ast.AST) -> pl.Expr:
    sign = _OPS[type(op)]
    if sign in ("in", "not in"):
        column = _column(left)
        values = [_constant(v) for v in right.elts]
        hit = pl.when(column.is_null()).then(pl.lit(None, dtype=pl.Boolean)).otherwise(column.is_in(values))
        return hit if sign == "in" else ~hit
    a = _column(left) if isinstance(left, (ast.Name, ast.Call)) else pl.lit(_constant(left))
    b = _column(right) if isinstance(right, (ast.Name, ast.Call)) else pl.lit(_constant(right))
    return {"==": a.eq, "!=": a.ne, "<": a.lt, "<=": a.le, ">": a.gt, ">=": a.ge}[sign](b)


# ------------------------------------------------------------------ words

def field_label(name: str, lang: str = "id") -> str:
    if name.startswith("size:"):
        return f"{_word('size', lang)} {name.split(':', 1)[1]}"
    _kind_, label_id, label_en = FIELDS[name]
    return label_id if lang == "id" else label_en


def shown_value(field: str | None, value, lang: str = "id") -> str:
    """A constant or a firm's value as a reader sees it: Rp with Indonesian grouping, class names."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _word("yes" if value else "no", lang)
    if field is not None and field.startswith("size:"):
        return label(str(value), lang)
    if isinstance(value, (int, float)):
        number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
        if lang == "id":
            number = number.replace(",", "\0").replace(".", ",").replace("\0", ".")
        return f"Rp{number}" if field in MONEY else number
    return str(value)


def _node_field(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        return "size:" + node.args[0].value
    if isinstance(node, ast.Name) and node.id not in ("True", "False"):
        return node.id
    return None


def _describe(node: ast.AST, lang: str) -> str:
    if isinstance(node, ast.BoolOp):
        word = _word("and" if isinstance(node.op, ast.And) else "or", lang)
        return "(" + f" {word} ".join(_describe(v, lang) for v in node.values) + ")"
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return f"{_word('not', lang)} ({_describe(node.operand, lang)})"
    if isinstance(node, ast.Name):
        if node.id in ("True", "False"):
            return _word("always", lang) if node.id == "True" else _word("no", lang)
        return f"{field_label(node.id, lang)}: {_word('yes', lang)}"
    if isinstance(node, ast.Constant):
        return shown_value(None, node.value, lang)
    parts, left = [], node.left
    for op, right in zip(node.ops, node.comparators, strict=True):
        parts.append(_describe_pair(left, _OPS[type(op)], right, lang))
        left = right
    return f" {_word('and', lang)} ".join(parts)


def _describe_pair(left: ast.AST, sign: str, right: ast.AST, lang: str) -> str:
    word = OP_WORDS[sign][0 if lang == "id" else 1]
    field = _node_field(left) or _node_field(right)
    if sign in ("in", "not in"):
        values = ", ".join(shown_value(field, _constant(v), lang) for v in right.elts)
        return f"{field_label(field, lang)} {word} {values}"
    a = field_label(field, lang) if _node_field(left) else shown_value(field, _constant(left), lang)
    b = field_label(field, lang) if _node_field(right) else shown_value(field, _constant(right), lang)
    return f"{a} {word} {b}"
