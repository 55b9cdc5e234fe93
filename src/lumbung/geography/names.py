"""Region names matched regardless of case, punctuation and common written forms.

Rules (each one is a form seen in BPS and Dinas tables):

- case, punctuation and repeated spaces are ignored: ``"KAB.  BANDUNG"`` = ``"Kabupaten Bandung"``;
- abbreviations are expanded: ``KEP.`` -> Kepulauan, ``KAB.`` -> Kabupaten, ``PROV.`` -> Provinsi,
  ``KEC.`` -> Kecamatan, ``KEL.`` -> Kelurahan, ``ADM.`` -> Administrasi;
- a leading type word (Provinsi, Kabupaten [Administrasi], Kota [Administrasi], Kecamatan,
  Distrik, Kelurahan, Desa) restricts the level and, for Kabupaten/Kota, the kind of regency;
- the province forms ``DKI JAKARTA`` / ``DKJ`` / ``Daerah Khusus Jakarta`` (UU 2/2024) /
  ``JAKARTA``, ``DI YOGYAKARTA`` / ``DIY`` / ``YOGYAKARTA``, ``NAD`` / ``Nanggroe Aceh Darussalam``,
  ``NTB``, ``NTT`` and ``BANGKA BELITUNG`` are aliases of the official names.

Ambiguity: a bare regency name shared by a kabupaten and a kota (``BOGOR``) means the
**kabupaten** (the larger area, and the reading of tables that write the city as ``KOTA BOGOR``);
``KOTA BOGOR`` means the city. Otherwise the largest matching level wins (``GORONTALO`` is the
province). Names that remain ambiguous (a district name used in several regencies) match
nothing unless ``within`` narrows them: :func:`match_name` never picks one of several at random.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from lumbung.geography.codes import level as code_level
from lumbung.geography.codes import normalize_code
from lumbung.geography.source import upper_levels, villages

_NOISE = re.compile(r"[^a-z0-9 ]+")
_ABBREVIATIONS = {
    "kep": "kepulauan",
    "kab": "kabupaten",
    "prov": "provinsi",
    "propinsi": "provinsi",
    "kec": "kecamatan",
    "kel": "kelurahan",
    "adm": "administrasi",
}
#: Leading type words -> (level, kind). Longest first so "kota administrasi" beats "kota".
_TYPE_WORDS = (
    ("kabupaten administrasi", 2, "kabupaten"),
    ("kota administrasi", 2, "kota"),
    ("provinsi", 1, None),
    ("kabupaten", 2, "kabupaten"),
    ("kota", 2, "kota"),
    ("kecamatan", 3, None),
    ("distrik", 3, None),
    ("kelurahan", 4, None),
    ("desa", 4, None),
)
#: Other names of provinces, as normalised text -> province code.
_PROVINCE_ALIASES = {
    "dki jakarta": "31", "dki": "31", "dkj": "31", "jakarta": "31",
    "daerah khusus jakarta": "31", "dki jakarta raya": "31",
    "di yogyakarta": "34", "diy": "34", "yogyakarta": "34", "daerah istimewa jogjakarta": "34",
    "nad": "11", "nanggroe aceh darussalam": "11",
    "ntb": "52", "ntt": "53",
    "bangka belitung": "19", "babel": "19",
}


@dataclass(frozen=True, slots=True)
class _Query:
    text: str  # the whole normalised name
    base: str  # without a leading type word
    level: int | None  # implied by the type word
    kind: str | None  # "kabupaten" or "kota" when the type word says so


def normalize_name(name: str) -> str:
    """Lower case, punctuation to spaces, abbreviations expanded: ``"KEP. RIAU"`` -> ``"kepulauan riau"``."""
    text = _NOISE.sub(" ", name.lower().replace("'", "").replace("`", ""))
    words = [_ABBREVIATIONS.get(word, word) for word in _join_initials(text.split())]
    return " ".join(words).replace("ibu kota", "ibukota")


def _join_initials(words: list[str]) -> list[str]:
    """``["d", "i", "yogyakarta"]`` (from "D.I. Yogyakarta") -> ``["di", "yogyakarta"]``."""
    joined: list[str] = []
    in_initials = False
    for word in words:
        if len(word) == 1 and word.isalpha():
            if in_initials:
                joined[-1] += word
            else:
                joined.append(word)
            in_initials = True
        else:
            joined.append(word)
            in_initials = False
    return joined


def _parse(name: str) -> _Query:
    text = normalize_name(name)
    for words, level, kind in _TYPE_WORDS:
        if text.startswith(words + " "):
            return _Query(text, text[len(words) + 1:], level, kind)
    return _Query(text, text, None, None)


@dataclass(frozen=True, slots=True)
class _Entry:
    code: str
    level: int
    kind: str | None


def _entry_keys(code: str, official: str) -> list[tuple[str, str | None]]:
    """(base name, kind) keys under which a region is found."""
    parsed = _parse(official)
    level = code.count(".") + 1
    if level == 2:
        return [(parsed.base, parsed.kind)]
    keys = [(parsed.text, None)]
    if level == 1:
        keys += [(alias, None) for alias, target in _PROVINCE_ALIASES.items() if target == code]
    return keys


def _build(table: dict[str, str]) -> dict[str, list[_Entry]]:
    index: dict[str, list[_Entry]] = {}
    for code, official in table.items():
        level = code.count(".") + 1
        for key, kind in _entry_keys(code, official):
            index.setdefault(key, []).append(_Entry(code, level, kind))
    return index


@lru_cache(maxsize=1)
def _upper_index() -> dict[str, list[_Entry]]:
    return _build(upper_levels())


@lru_cache(maxsize=1)
def _village_index() -> dict[str, list[_Entry]]:
    return _build(villages())


def _wants_villages(query: _Query, level: int | None, within: str | None) -> bool:
    if level == 4 or query.level == 4:
        return True
    return level is None and within is not None and code_level(within) >= 3


def _lookup(query: _Query, level: int | None, within: str | None) -> list[_Entry]:
    indexes = [_upper_index()]
    if _wants_villages(query, level, within):
        indexes.append(_village_index())
    found: list[_Entry] = []
    for index in indexes:
        if query.level is not None:
            found += [e for e in index.get(query.base, []) if e.level == query.level
                      and (query.kind is None or e.kind == query.kind)]
        # The whole text too: "Kota Juang" is a district's own name, not a city.
        found += index.get(query.text, []) if query.text != query.base or query.level is None else []
    return found


def _rank(entry: _Entry, query: _Query) -> tuple[int, int]:
    # Larger regions first; a bare regency name means the kabupaten (see module docstring).
    kind_rank = 0 if query.kind is not None or entry.kind in (None, "kabupaten") else 1
    return (entry.level, kind_rank)


@lru_cache(maxsize=65536)
def _candidates(name: str, level: int | None, within: str | None) -> tuple[_Entry, ...]:
    query = _parse(name)
    if not query.text:
        return ()
    prefix = within + "." if within else None
    unique = {}
    for entry in _lookup(query, level, within):
        if level is not None and entry.level != level:
            continue
        if prefix and not (entry.code == within or entry.code.startswith(prefix)):
            continue
        unique[entry.code] = entry
    return tuple(sorted(unique.values(), key=lambda e: (_rank(e, query), e.code)))


def candidates(name: str, level: int | None = None, within: object | None = None) -> list[str]:
    """Every region code the name can mean, best first (see the module docstring for the order)."""
    if level is not None and level not in (1, 2, 3, 4):
        raise ValueError(f"level must be 1 (province) to 4 (village), got {level!r}")
    inside = normalize_code(within) if within is not None else None
    return [entry.code for entry in _candidates(str(name), level, inside)]


def match_name(name: str, level: int | None = None, within: object | None = None) -> str | None:
    """The dotted code of the region called ``name``, or None when nothing or several equally good
    regions match. ``level`` 1-4 restricts the level; ``within`` a code the region must lie in."""
    if level is not None and level not in (1, 2, 3, 4):
        raise ValueError(f"level must be 1 (province) to 4 (village), got {level!r}")
    inside = normalize_code(within) if within is not None else None
    found = _candidates(str(name), level, inside)
    if not found:
        return None
    query = _parse(str(name))
    best = _rank(found[0], query)
    if len(found) > 1 and _rank(found[1], query) == best:
        return None
    return found[0].code


# -- many names at once ----------------------------------------------------------------------------
#
# The same rules as match_name, as joins over a table of every region's name keys: an import of
# SIDT rows names tens of thousands of villages, which one call per name would parse and look up
# one by one. Equivalence with match_name is tested (tests/geography).

_PARSED = {"name": pl.String, "text": pl.String, "base": pl.String, "qlevel": pl.Int8, "kind": pl.String}


def parsed_names(names: pl.Series) -> pl.DataFrame:
    """Each distinct name as :func:`_parse` reads it (columns name, text, base, qlevel, kind). ASCII
    names go through Polars expressions; any other name (rare) through :func:`_parse` itself."""
    distinct = pl.DataFrame({"name": names.drop_nulls().unique()}, schema={"name": pl.String})
    ascii_ = pl.col("name").str.len_bytes() == pl.col("name").str.len_chars()
    scalar = [(n, *_fields(_parse(n))) for n in distinct.filter(~ascii_)["name"].to_list()]
    return pl.concat([_parsed_ascii(distinct.filter(ascii_)), pl.DataFrame(scalar, schema=_PARSED, orient="row")])


def _fields(query: _Query) -> tuple:
    return query.text, query.base, query.level, query.kind


def _parsed_ascii(frame: pl.DataFrame) -> pl.DataFrame:
    """normalize_name and _parse on ASCII text: lower case, noise to spaces, initials joined, then
    abbreviations expanded, "ibu kota" written as one word, then the leading type word."""
    cleaned = frame.select("name", pl.col("name").str.to_lowercase().str.replace_all("['`]", "")
                           .str.replace_all(_NOISE.pattern, " ").str.replace_all(" +", " ").str.strip_chars(" ")
                           .alias("text"))
    initials = pl.col("text").str.contains("(^| )[a-z] [a-z]( |$)")
    text = pl.concat([_expanded(cleaned.filter(~initials)), _joined(cleaned.filter(initials))])
    text = text.with_columns(pl.col("text").str.replace_all("ibu kota", "ibukota", literal=True))
    base, qlevel, kind = pl.col("text"), pl.lit(None, dtype=pl.Int8), pl.lit(None, dtype=pl.String)
    for words, level, kind_ in reversed(_TYPE_WORDS):  # the first type word of the list wins
        starts = pl.col("text").str.starts_with(words + " ")
        base = pl.when(starts).then(pl.col("text").str.slice(len(words) + 1)).otherwise(base)
        qlevel = pl.when(starts).then(pl.lit(level, dtype=pl.Int8)).otherwise(qlevel)
        kind = pl.when(starts).then(pl.lit(kind_, dtype=pl.String)).otherwise(kind)
    return text.select("name", "text", base.alias("base"), qlevel.alias("qlevel"), kind.alias("kind")).cast(_PARSED)


def _expanded(cleaned: pl.DataFrame) -> pl.DataFrame:
    """Abbreviations expanded as whole words (no expansion is itself an abbreviation, so the order of
    the replacements does not matter), on text without two single letters in a row."""
    text = pl.col("text")
    for short, long in _ABBREVIATIONS.items():
        text = text.str.replace_all(rf"\b{short}\b", long)
    return cleaned.with_columns(text)


def _joined(cleaned: pl.DataFrame) -> pl.DataFrame:
    """As :func:`_join_initials`, word by word ("d i yogyakarta" -> "di yogyakarta"), then the
    abbreviations (the joined initials may spell one: "k a b" -> "kab" -> "kabupaten")."""
    words = cleaned.with_row_index("_row").select("_row", pl.col("text").str.split(" ").alias("word")).explode("word")
    initial = pl.col("word").str.contains("^[a-z]$")
    start = ~(initial & initial.shift(1).over("_row").fill_null(False))
    joined = (words.with_columns(start.cum_sum().alias("_group"))
              .group_by("_row", "_group", maintain_order=True).agg(pl.col("word").str.join(""))
              .with_columns(pl.col("word").replace(_ABBREVIATIONS))
              .group_by("_row", maintain_order=True).agg(pl.col("word").str.join(" ").alias("text")))
    return cleaned.select("name").with_row_index("_row").join(joined, on="_row", how="left").select("name", "text")


@lru_cache(maxsize=1)
def name_table() -> pl.DataFrame:
    """Every region under each key it is found by (as :func:`_entry_keys`): key, kind, level, code.
    Built once per process."""
    table = {**upper_levels(), **villages()}
    official = pl.DataFrame({"code": list(table), "official": list(table.values())}, schema={"code": pl.String,
                                                                                            "official": pl.String})
    official = official.join(parsed_names(official["official"]), left_on="official", right_on="name", how="left")
    level = (pl.col("code").str.count_matches(r"\.", literal=False) + 1).cast(pl.Int8)
    own = official.select(pl.when(level == 2).then(pl.col("base")).otherwise(pl.col("text")).alias("key"),
                          pl.when(level == 2).then(pl.col("kind")).alias("kind"), level.alias("level"), "code")
    aliases = pl.DataFrame([(alias, None, 1, code) for alias, code in _PROVINCE_ALIASES.items()],
                           schema=own.schema, orient="row")
    return pl.concat([own, aliases])


def match_names(queries: pl.DataFrame, level: int) -> pl.DataFrame:
    """:func:`match_name` (``level``, ``within``) for every row of ``queries`` (columns name and
    within, a dotted code or null) at once: the distinct (name, within) pairs with their code,
    null where nothing or several equally good regions match."""
    pairs = queries.select(pl.col("name").cast(pl.String), pl.col("within").cast(pl.String)).unique()
    asked = pairs.join(parsed_names(pairs["name"]), on="name", how="left").filter(pl.col("text") != "")
    found = _candidate_rows(asked, level)
    rank0 = pl.col("kind").is_not_null() | pl.col("entry_kind").is_null() | (pl.col("entry_kind") == "kabupaten")
    best = (found.with_columns(rank0.alias("_rank0"))
            .group_by("name", "within")
            .agg(pl.col("_rank0").sum().alias("_n0"), (~pl.col("_rank0")).sum().alias("_n1"),
                 pl.col("code").filter(pl.col("_rank0")).first().alias("_code0"),
                 pl.col("code").filter(~pl.col("_rank0")).first().alias("_code1")))
    chosen = pl.when(pl.col("_n0") == 1).then(pl.col("_code0")).when((pl.col("_n0") == 0) & (pl.col("_n1") == 1)).then(
        pl.col("_code1"))
    return pairs.join(best.select("name", "within", chosen.alias("code")), on=["name", "within"], how="left",
                      nulls_equal=True)


def _candidate_rows(asked: pl.DataFrame, level: int) -> pl.DataFrame:
    """Every (name, within, code) a query can mean at ``level``, one row per distinct code: the
    whole text as a key, and, with a type word of this level, the name without it (of that kind)."""
    entries = name_table().filter(pl.col("level") == level).rename({"kind": "entry_kind"})
    typed = asked.filter(pl.col("qlevel") == level)
    parts = []
    for keyed, on in ((asked, "text"), (typed, "base")):
        for width in sorted(set(keyed["within"].drop_nulls().str.len_bytes().to_list())) + [None]:
            part = keyed.filter(pl.col("within").is_null() if width is None
                                else pl.col("within").str.len_bytes() == width)
            if width is None:
                hits = part.join(entries, left_on=on, right_on="key")
            else:
                # The code's prefix as long as ``within`` equals it: the region lies inside (or is) it.
                hits = part.join(entries.with_columns(pl.col("code").str.slice(0, width).alias("_inside")),
                                 left_on=[on, "within"], right_on=["key", "_inside"])
            if on == "base":
                hits = hits.filter(pl.col("kind").is_null() | (pl.col("entry_kind") == pl.col("kind")))
            parts.append(hits.select("name", "within", "kind", "entry_kind", "code"))
    return pl.concat(parts).unique(["name", "within", "code"])
