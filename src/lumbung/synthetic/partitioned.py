"""A national population written as Parquet partitioned by province, in bounded memory.

The population is generated in blocks of at most ``block_firms`` starting firms. Each block is an
independent draw of the same calibrated model (lumbung.synthetic.generate: the firm-level draws
are independent given the calibration, so a population made of blocks follows the same
distributions as one generated whole); it has its own random stream,
``SeedSequence(seed, spawn_key=(block,))``, and takes its source ids and NIBs from one sequence
for the whole population (identity.IdBlock), so none repeats. Each block's rows are appended to
one Parquet file per province, ``<out>/province=<code>/part-0.parquet`` (hive layout, as DuckDB,
Polars, Spark and pyarrow.dataset read it), so memory holds one block at a time: peak memory
depends on ``block_firms`` and ``years``, not on ``firms``.

The files are written into ``<out>.partial`` and renamed to ``<out>`` when complete.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from lumbung.errors import UserError
from lumbung.i18n import _
from lumbung.synthetic.generator import MAX_FIRMS, SCHEMA, generate
from lumbung.synthetic.identity import NIB_MODULUS, IdBlock

#: Starting firms per block (about 0.5 GiB of peak memory at 5 years).
BLOCK_FIRMS = 250_000
PARTITIONS = ("province",)


@dataclass
class Written:
    rows: int
    firms: int  # enterprises that ever live (starting firms and entrants)
    files: int
    folder: Path


def block_seed(seed: int, block: int) -> int:
    return int(np.random.SeedSequence(seed, spawn_key=(block,)).generate_state(1, dtype=np.uint32)[0])


def write_partitioned(firms: int, years: int, seed: int, out: str | Path, start_year: int = 2021,
                      partition_by: str = "province", block_firms: int = BLOCK_FIRMS,
                      progress: Callable[[int, int], None] | None = None) -> Written:
    """Write ``firms`` enterprises x ``years`` years as Parquet under ``out``, one file per
    province (see the module docstring); ``progress(done, total)`` after each block."""
    if partition_by not in PARTITIONS:
        raise UserError(_("unknown partition {name!r}; choose one of: {choices}").format(
            name=partition_by, choices=", ".join(PARTITIONS)))
    if not 1 <= firms <= MAX_FIRMS * 2:
        raise UserError(_("firms must be a whole number from 1 to {limit}").format(limit=MAX_FIRMS * 2))
    out = Path(out)
    staging = out.with_name(out.name + ".partial")
    if out.exists():
        raise UserError(_("{folder} already exists; choose a new folder").format(folder=out))
    try:
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
    except OSError as error:
        raise UserError(_("cannot write to the folder {folder}: {reason}").format(
            folder=out, reason=error.strerror or error)) from error
    writers: dict[str, pq.ParquetWriter] = {}
    blocks = math.ceil(firms / block_firms)
    nib_offset = int(np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2**32 - 1,))).integers(0, NIB_MODULUS))
    first = rows = 0
    try:
        for block in range(blocks):
            n = min(block_firms, firms - block * block_firms)
            table = generate(n, years, block_seed(seed, block), start_year=start_year,
                             ids=IdBlock(seed, first, nib_offset))
            first += pc.count_distinct(table.column("source_id")).as_py()
            rows += table.num_rows
            _append(table, staging, writers)
            if progress:
                progress(block + 1, blocks)
    finally:
        for writer in writers.values():
            writer.close()
    staging.rename(out)
    return Written(rows, first, len(writers), out)


def _append(table: pa.Table, folder: Path, writers: dict[str, pq.ParquetWriter]) -> None:
    """Append each province's rows of ``table`` to its file (one row group per block)."""
    province = pc.utf8_slice_codeunits(table.column("region_code"), 0, 2)
    for code in sorted(pc.unique(province).to_pylist()):
        part = table.filter(pc.equal(province, code))
        if code not in writers:
            (folder / f"province={code}").mkdir()
            writers[code] = pq.ParquetWriter(folder / f"province={code}" / "part-0.parquet", SCHEMA,
                                             compression="zstd")
        writers[code].write_table(part)
