"""Fuzzing the readers (issue 8, point 14): property-based tests and a generated mutation corpus
over the template (CSV, XLSX, Parquet), SIDT and published-table readers.

The invariant (``fuzz_corpus``): no traceback, only a UserError's sentence; every row of the file
stored or reported with its line; stored values equal the file's cells. A few hundred inputs run
here; ``scripts/fuzz_import.py`` runs the same generator for 10,000 and more (RELIABILITY.md).
"""

from __future__ import annotations

import csv
import io
import random

from fuzz_corpus import (
    STRANGE_VALUES,
    cell_mismatches,
    expected_cells,
    findings,
    generate,
    published_findings,
    published_input,
    run,
    template_rows,
    violations,
    write_rows,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lumbung.imports.readers import (
    header_names,
    quotes_are_plain,
    read_csv_exact,
    read_csv_fast,
    tidy,
)
from lumbung.vocabulary import TEMPLATE_COLUMNS

#: Inputs of the seeded corpus in the normal test run (the script runs many more).
CORPUS_INPUTS = 150
PUBLISHED_INPUTS = 60


# -- the fast CSV path agrees with the csv module on any text --------------------------------------

_text = st.text(alphabet=st.sampled_from(list('ab,;"\n\r é\t')), max_size=40)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(_text, st.sampled_from([",", ";", "\t"]))
def test_the_fast_csv_path_reads_what_the_csv_module_reads(body, separator):
    data = (separator.join(["h1", "h2", "h3"]) + "\n" + body).encode("utf-8")
    if not quotes_are_plain(data, separator) or data.count(b"\r") != data.count(b"\r\n"):
        return  # read_csv takes the exact path for these
    header = header_names(next(csv.reader(io.StringIO(data.decode(), newline=""), delimiter=separator)), "f")
    try:
        fast = read_csv_fast(data, separator, header)
    except Exception:  # noqa: BLE001 - Polars refusing the text sends read_csv to the exact path too
        return
    if fast is None:
        return
    exact = read_csv_exact(data.decode("utf-8"), separator, header)
    assert fast.ragged == exact.ragged
    assert tidy(fast.frame).to_dicts() == tidy(exact.frame).to_dicts()


# -- generated rows of strange values, in every format -----------------------------------------------

# No NUL: a file with one is refused whole as not text (tested in test_imports_readers.py).
_cell = st.one_of(st.sampled_from(STRANGE_VALUES), st.text(st.characters(exclude_characters="\x00"), max_size=12),
                  st.none())


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, 4), st.lists(st.tuples(st.integers(0, 3), st.sampled_from(TEMPLATE_COLUMNS), _cell),
                                   max_size=8), st.sampled_from([".csv", ".xlsx", ".parquet"]))
def test_strange_values_are_stored_as_they_read_or_reported(tmp_path_factory, count, changes, suffix):
    rows = template_rows(random.Random(0), count)
    for index, column, value in changes:
        if index < len(rows):
            rows[index][TEMPLATE_COLUMNS.index(column)] = value
    if suffix == ".xlsx":  # a worksheet cannot hold control characters; openpyxl refuses them
        rows = [[v if v is None or v.isprintable() or v == "\n" else None for v in r] for r in rows]
    path = write_rows(tmp_path_factory.mktemp("h") / f"f{suffix}", list(TEMPLATE_COLUMNS), rows)
    outcome = run(path)
    assert outcome.unusable is None
    assert violations(outcome) == []
    assert cell_mismatches(outcome, expected_cells(list(TEMPLATE_COLUMNS), rows, suffix == ".csv")) == []


# -- the mutation corpus ----------------------------------------------------------------------------

def test_the_mutation_corpus_holds_the_invariant(tmp_path):
    rng = random.Random(8_14)
    found = {}
    for number in range(CORPUS_INPUTS):
        path, fmt, expected = generate(rng, tmp_path, number)
        problems = findings(path, fmt, expected)
        if problems:
            found[f"{path.name} ({fmt})"] = problems
    assert found == {}


def test_the_published_table_reader_holds_the_invariant(tmp_path):
    from lumbung.indicators import published  # noqa: PLC0415 - another helper's module, only called

    layout = published.load_layout("bps-imk-province")
    rng = random.Random(8_06)
    found = {}
    for number in range(PUBLISHED_INPUTS):
        path = published_input(rng, tmp_path, number, layout)
        problems = published_findings(path, layout)
        if problems:
            found[path.name] = problems
    assert found == {}
