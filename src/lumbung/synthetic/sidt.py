"""The synthetic population written as an SIDT-KUMKM export ("Satu Data KUMKM"), the format
:mod:`lumbung.imports.sidt` reads, so that a large import (the PostgreSQL benchmark) can be fed
a file in the shape a ministry's database hands over.

Each row of the population (one enterprise and year) becomes one SIDT row; the reverse of the
importer's decisions (docs/import.md, "SIDT-KUMKM"):

- ``id_data_badan_usaha`` is the source ID; the NIK, names, NIB, KBLI, capital, turnover and
  assets are copied; the gender is written ``L``/``P`` and the scale ``Usaha Mikro`` and so on,
  as the export writes them;
- the region is written as names (province down to village: :func:`lumbung.geography.name` of
  each level of the village code), which the importer matches back to the code;
- the report year is written as ``updated_at`` (30 June of that year), ``pulled_at`` is one date;
- the workforce is split into the four paid/unpaid x men/women columns so that the importer's
  sums give back ``workers``, ``workers_paid`` and ``workers_female`` exactly (women are counted
  among the paid first); the disability columns are 0. A row where one of the three is unknown
  leaves all four empty: the export has no way to say "4 workers, women unknown", and the
  importer reads an empty part as an unknown sum;
- ``status_badan_usaha`` is the legal form's usual written form (``Perorangan``, ``CV``, ``PT``).

Columns the template has and SIDT lacks (output, inputs, wages, credit, ...) are not written.
Blocks of firms are drawn as by :mod:`lumbung.synthetic.partitioned` (same seeds, same ids), so
memory holds one block at a time; the file is written to ``<out>.partial`` and renamed when done.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from lumbung import geography
from lumbung.errors import UserError
from lumbung.i18n import _
from lumbung.synthetic.generator import MAX_FIRMS, generate
from lumbung.synthetic.identity import NIB_MODULUS, IdBlock
from lumbung.synthetic.partitioned import BLOCK_FIRMS, block_seed

#: The SIDT-KUMKM export's columns, in its order (the same as lumbung.imports.sidt.COLUMNS, which
#: a test checks; not imported, since the synthetic package does not depend on the importer).
COLUMNS = (
    "id_data_badan_usaha", "nik_pengusaha", "nama_pengusaha", "nib", "jenis_kelamin", "is_disabilitas",
    "tanggal_lahir", "pendidikan_formal", "kontak_hp", "prov_pengusaha", "kab_pengusaha", "kec_pengusaha",
    "kel_pengusaha", "alamat_pengusaha", "rt_pengusaha", "rw_pengusaha", "nama_usaha", "kegiatan_utama",
    "produk_utama", "kategori_kbli", "kode_kbli", "status_badan_usaha", "skala_usaha", "modal_pendirian",
    "bulan_mulai_operasi", "tahun_mulai_operasi", "omzet_tahunan", "asset", "prov_usaha", "kab_usaha",
    "kec_usaha", "kel_usaha", "alamat_usaha", "rt_usaha", "rw_usaha", "foto_usaha", "alamat_latitude",
    "alamat_longitude", "tk_dibayar_laki", "tk_dibayar_perempuan", "tk_dibayar_disabil_laki",
    "tk_dibayar_disabil_perempuan", "tk_not_dibayar_laki", "tk_not_dibayar_perempuan",
    "tk_not_dibayar_disabil_laki", "tk_not_dibayar_disabil_perempua", "pulled_at", "updated_at", "source_page",
)
#: Template column -> SIDT column, copied as text.
COPIED = {"source_id": "id_data_badan_usaha", "owner_nik": "nik_pengusaha", "owner_name": "nama_pengusaha",
          "nib": "nib", "name": "nama_usaha", "kbli": "kode_kbli", "business_capital": "modal_pendirian",
          "sales": "omzet_tahunan", "net_assets": "asset", "founded_year": "tahun_mulai_operasi"}
GENDER = {"F": "P", "M": "L"}
SCALE = {"micro": "Usaha Mikro", "small": "Usaha Kecil", "medium": "Usaha Menengah", "large": "Usaha Besar"}
LEGAL_FORM = {"perorangan": "Perorangan", "cv": "CV", "firma": "Firma", "pt": "PT", "pt_perorangan": "PT Perorangan",
              "koperasi": "Koperasi", "yayasan": "Yayasan", "lainnya": "Lainnya"}
#: When the records were taken from the database (one date for the whole file).
PULLED_AT = "2025-01-15 08:00:00"
REGION_LEVELS = ("prov_usaha", "kab_usaha", "kec_usaha", "kel_usaha")


@lru_cache(maxsize=None)
def region_names(code: str) -> tuple[str | None, ...]:
    """Province, regency, district and village names of a village code (None below its level)."""
    names = [geography.name(c) for c in geography.parent_codes(code)]  # the code itself is last
    return tuple(names + [None] * (len(REGION_LEVELS) - len(names)))


def to_sidt(table: pa.Table) -> pa.Table:
    """The population ``table`` (template columns, lumbung.synthetic.generate) as SIDT columns, text."""
    frame = pl.from_arrow(table)
    text = pl.String
    codes = frame["region_code"].unique().drop_nulls().to_list()
    regions = pl.DataFrame([(c, *region_names(c)) for c in codes], schema={"region_code": pl.String, **dict.fromkeys(REGION_LEVELS, pl.String)},
                           orient="row")
    frame = frame.join(regions, on="region_code", how="left", maintain_order="left")
    paid, workers, female = pl.col("workers_paid"), pl.col("workers"), pl.col("workers_female")
    paid_women = pl.min_horizontal(female, paid)
    unpaid_women = female - paid_women
    known = paid.is_not_null() & workers.is_not_null() & female.is_not_null()

    def part(expr: pl.Expr) -> pl.Expr:
        return pl.when(known).then(expr).cast(text)

    zero = pl.when(known).then(pl.lit("0"))
    values = {
        **{sidt: pl.col(template).cast(text) for template, sidt in COPIED.items()},
        "jenis_kelamin": pl.col("owner_gender").replace_strict(GENDER, default=None, return_dtype=text),
        "skala_usaha": pl.col("reported_scale").replace_strict(SCALE, default=None, return_dtype=text),
        "status_badan_usaha": pl.col("legal_form").replace_strict(LEGAL_FORM, default=None, return_dtype=text),
        "kategori_kbli": pl.lit("C"),
        **{level: pl.col(level) for level in REGION_LEVELS},
        "tk_dibayar_laki": part(paid - paid_women), "tk_dibayar_perempuan": part(paid_women),
        "tk_not_dibayar_laki": part(workers - paid - unpaid_women), "tk_not_dibayar_perempuan": part(unpaid_women),
        **{c: zero for c in ("tk_dibayar_disabil_laki", "tk_dibayar_disabil_perempuan",
                             "tk_not_dibayar_disabil_laki", "tk_not_dibayar_disabil_perempua")},
        "pulled_at": pl.lit(PULLED_AT),
        "updated_at": pl.format("{}-06-30 10:00:00", pl.col("year")),
        "source_page": pl.lit("1"),
    }
    return frame.select([values.get(c, pl.lit(None, dtype=text)).cast(text).alias(c) for c in COLUMNS]).to_arrow()


def write_sidt(firms: int, years: int, seed: int, out: str | Path, start_year: int = 2021,
               block_firms: int = BLOCK_FIRMS, progress: Callable[[int, int], None] | None = None) -> tuple[int, int]:
    """Write ``firms`` enterprises x ``years`` years as one SIDT-KUMKM CSV file at ``out``, in
    blocks of ``block_firms`` starting firms; returns (rows, enterprises)."""
    if not 1 <= firms <= MAX_FIRMS * 2:
        raise UserError(_("firms must be a whole number from 1 to {limit}").format(limit=MAX_FIRMS * 2))
    out = Path(out)
    staging = out.with_name(out.name + ".partial")
    schema = pa.schema([pa.field(c, pa.string()) for c in COLUMNS])
    blocks = math.ceil(firms / block_firms)
    nib_offset = int(np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2**32 - 1,))).integers(0, NIB_MODULUS))
    first = rows = 0
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        writer = pacsv.CSVWriter(staging, schema, write_options=pacsv.WriteOptions(include_header=True,
                                                                                    batch_size=65536))
    except OSError as error:
        raise UserError(_("cannot write to the folder {folder}: {reason}").format(
            folder=out.parent, reason=error.strerror or error)) from error
    with writer:
        for block in range(blocks):
            n = min(block_firms, firms - block * block_firms)
            table = generate(n, years, block_seed(seed, block), start_year=start_year,
                             ids=IdBlock(seed, first, nib_offset))
            first += pc.count_distinct(table.column("source_id")).as_py()
            rows += table.num_rows
            writer.write_table(to_sidt(table))
            if progress:
                progress(block + 1, blocks)
    staging.replace(out)
    return rows, first
