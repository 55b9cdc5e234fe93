"""The column vocabulary of the registry, without Django.

One list of fields serves the Django models, the import template, the synthetic population,
the analytics tables and the docs, so that a column means the same everywhere.
Money is whole rupiah (int64). A missing value stays missing (None / null), never zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # "text" | "int" | "money" | "bool" | "choice" | "year"
    label_id: str
    label_en: str
    unit: str = ""
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = field(default=())
    required: bool = False
    personal: bool = False  # personal data (UU 27/2022 on personal data protection)


LEGAL_STATUSES = ("none", "notary_deed", "legal_entity")
# Legal forms in Indonesian business law: perorangan (sole proprietor), CV (UU dagang/KUHD),
# firma, PT (UU 40/2007), PT perorangan (UU 11/2020 + PP 8/2021), koperasi (UU 25/1992), yayasan.
LEGAL_FORMS = ("perorangan", "cv", "firma", "pt", "pt_perorangan", "koperasi", "yayasan", "lainnya")
GENDERS = ("F", "M")
SCALES = ("micro", "small", "medium", "large")

ENTERPRISE_FIELDS: tuple[Field, ...] = (
    Field("source_id", "text", "ID sumber", "Source ID", aliases=("id_sumber", "id_data_badan_usaha")),
    Field("nib", "text", "NIB", "Business ID number (NIB)", unit="13 digits", aliases=("nomor_induk_berusaha",)),
    Field("name", "text", "Nama usaha", "Business name", required=True, aliases=("nama_usaha", "nama")),
    Field("owner_name", "text", "Nama pemilik", "Owner name", aliases=("nama_pemilik", "nama_pengusaha"), personal=True),
    Field("owner_gender", "choice", "Jenis kelamin pemilik", "Owner gender", choices=GENDERS,
          aliases=("jenis_kelamin", "jenis_kelamin_pemilik")),
    Field("owner_nik", "text", "NIK pemilik", "Owner national ID (NIK)", unit="16 digits",
          aliases=("nik", "nik_pemilik", "nik_pengusaha"), personal=True),
    Field("founded_year", "year", "Tahun berdiri", "Year founded", aliases=("tahun_berdiri", "tahun_mulai_operasi")),
    Field("region_code", "text", "Kode wilayah", "Region code", unit="Kemendagri code",
          required=True, aliases=("kode_wilayah", "wilayah")),
    Field("kbli", "text", "KBLI", "KBLI 2020 subclass", unit="5 digits", required=True, aliases=("kode_kbli",)),
    Field("legal_status", "choice", "Status badan hukum", "Legal status", choices=LEGAL_STATUSES,
          aliases=("status_hukum", "status_badan_usaha")),
    Field("legal_form", "choice", "Bentuk usaha", "Legal form", choices=LEGAL_FORMS, aliases=("bentuk_usaha",)),
    Field("indonesian_owned", "bool", "Milik WNI", "Indonesian-owned", aliases=("milik_wni",)),
    Field("independent", "bool", "Berdiri sendiri", "Independent (not a branch or subsidiary)",
          aliases=("berdiri_sendiri", "mandiri")),
    Field("reported_scale", "choice", "Skala dilaporkan", "Reported scale", choices=SCALES,
          aliases=("skala_usaha", "skala")),
)

REPORT_FIELDS: tuple[Field, ...] = (
    Field("year", "year", "Tahun", "Year", required=True, aliases=("tahun",)),
    Field("workers", "int", "Tenaga kerja", "Persons engaged", unit="persons",
          aliases=("tenaga_kerja", "jumlah_tenaga_kerja", "tk")),
    Field("workers_paid", "int", "Pekerja dibayar", "Paid workers", unit="persons", aliases=("tk_dibayar",)),
    Field("workers_female", "int", "Pekerja perempuan", "Female workers", unit="persons", aliases=("tk_perempuan",)),
    Field("sales", "money", "Omzet", "Annual sales", unit="Rp", aliases=("omzet", "omzet_tahunan", "penjualan")),
    Field("output", "money", "Nilai output", "Output", unit="Rp", aliases=("nilai_output", "output_produksi")),
    Field("inputs", "money", "Biaya antara", "Intermediate inputs", unit="Rp", aliases=("nilai_input", "biaya_input")),
    Field("net_assets", "money", "Aset bersih", "Net assets (excl. land and buildings)", unit="Rp",
          aliases=("aset", "asset", "aset_bersih", "kekayaan_bersih")),
    Field("business_capital", "money", "Modal usaha", "Business capital", unit="Rp", aliases=("modal_usaha", "modal")),
    Field("investment", "money", "Nilai investasi", "Investment (excl. land and buildings)", unit="Rp",
          aliases=("investasi", "nilai_investasi")),
    Field("exports", "money", "Ekspor", "Exports", unit="Rp", aliases=("ekspor", "nilai_ekspor")),
    Field("imported_inputs", "money", "Bahan baku impor", "Imported inputs", unit="Rp", aliases=("input_impor",)),
    Field("wages", "money", "Upah", "Wages", unit="Rp", aliases=("upah", "balas_jasa")),
    Field("credit_bank", "money", "Kredit bank", "Bank credit", unit="Rp", aliases=("kredit_bank",)),
    Field("credit_kur", "money", "Kredit KUR", "KUR credit", unit="Rp", aliases=("kredit_kur", "kur")),
    Field("credit_informal", "money", "Pinjaman informal", "Informal credit (moneylenders, traders)", unit="Rp",
          aliases=("kredit_informal", "pinjaman_rentenir")),
    Field("trained", "bool", "Ikut pelatihan", "Received training", aliases=("pelatihan",)),
    Field("online_sales", "bool", "Jualan daring", "Sells online", aliases=("jualan_online", "penjualan_daring")),
)

TEMPLATE_FIELDS = ENTERPRISE_FIELDS + REPORT_FIELDS
TEMPLATE_COLUMNS = tuple(f.name for f in TEMPLATE_FIELDS)
ENTERPRISE_COLUMNS = tuple(f.name for f in ENTERPRISE_FIELDS)
REPORT_COLUMNS = tuple(f.name for f in REPORT_FIELDS)
MONEY_COLUMNS = tuple(f.name for f in REPORT_FIELDS if f.kind == "money")
BY_NAME = {f.name: f for f in TEMPLATE_FIELDS}


def value_added(output: int | None, inputs: int | None) -> int | None:
    """Value added = output - intermediate inputs (BPS definition); missing if either is missing."""
    if output is None or inputs is None:
        return None
    return output - inputs

#: Column that ``lumbung export`` adds after the template's: the system each record's source_id
#: belongs to. A file with it re-imports onto the records it came from, whatever the import's source.
SOURCE_COLUMN = "lumbung_source"
