"""Synthetic identities: business names, owner names, NIK, NIB, source ids.

Nothing here describes a real person. Names are random combinations of common Indonesian given
names; a NIK has the valid structure (Permendagri: 6-digit district code of the firm's region,
birth date DDMMYY with 40 added to the day for women, 4-digit serial) but its serial always
starts with 9 (9000-9999), a range the synthetic generator reserves, so that a synthetic NIK is
recognisable; a NIB is 13 digits and unique inside a population.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MALE_NAMES = (
    "Agus", "Budi", "Joko", "Slamet", "Bambang", "Hendra", "Rudi", "Wahyu", "Eko", "Dedi",
    "Made", "Ketut", "Yusuf", "Ahmad", "Rahmat", "Hasan", "Iwan", "Andi", "Sutrisno", "Heru",
    "Teguh", "Supriyadi", "Darmawan", "Fajar", "Ilham", "Rizki", "Arif", "Sugeng", "Dodi", "Imam",
)
FEMALE_NAMES = (
    "Siti", "Sri", "Dewi", "Ani", "Rina", "Yuni", "Lestari", "Wulan", "Nur", "Fitri",
    "Ratna", "Endang", "Kartini", "Sumarni", "Wati", "Indah", "Putri", "Ayu", "Rahayu", "Nining",
    "Komang", "Mega", "Ningsih", "Suryani", "Utami", "Yanti", "Eka", "Maya", "Tuti", "Novi",
)
FAMILY_NAMES = (
    "", "", "", "Santoso", "Wijaya", "Saputra", "Hidayat", "Kurniawan", "Setiawan", "Nasution",
    "Siregar", "Harahap", "Lubis", "Pratama", "Susanto", "Gunawan", "Purnomo", "Hakim", "Lestari", "Sari",
)
NAME_WORDS = (
    "Sari", "Jaya", "Makmur", "Barokah", "Rejeki", "Abadi", "Sejahtera", "Mandiri", "Sentosa", "Lancar",
    "Berkah", "Mulia", "Indah", "Murni", "Utama", "Karya", "Maju", "Sumber", "Cahaya", "Harapan",
)
# Product word per KBLI division, for names like "Kerupuk Sari Jaya".
PRODUCT_WORDS = {
    "10": ("Kerupuk", "Tahu", "Tempe", "Roti", "Kue", "Keripik", "Dodol", "Sambal", "Abon", "Jamu"),
    "11": ("Minuman", "Sirup", "Air Minum"),
    "12": ("Rokok", "Kretek", "Tembakau"),
    "13": ("Tenun", "Batik", "Songket", "Kain"),
    "14": ("Konveksi", "Busana", "Jahit", "Bordir"),
    "15": ("Sepatu", "Sandal", "Tas Kulit"),
    "16": ("Anyaman", "Kerajinan Bambu", "Rotan", "Kayu"),
    "17": ("Kertas", "Kemasan"),
    "18": ("Percetakan", "Sablon"),
    "20": ("Sabun", "Kimia"),
    "21": ("Jamu", "Obat Herbal"),
    "22": ("Plastik", "Karet"),
    "23": ("Genteng", "Bata", "Gerabah", "Keramik", "Batako"),
    "24": ("Logam", "Pengecoran"),
    "25": ("Pandai Besi", "Las", "Alat Dapur", "Pisau"),
    "26": ("Elektronik",),
    "27": ("Listrik",),
    "28": ("Mesin", "Alat Pertanian"),
    "29": ("Karoseri",),
    "30": ("Perahu", "Sepeda"),
    "31": ("Mebel", "Furnitur"),
    "32": ("Kerajinan", "Perhiasan", "Mainan"),
    "33": ("Bengkel", "Reparasi"),
}
SYNTHETIC_SERIAL_FLOOR = 9000  # NIK serials 9000-9999 mark synthetic owners (module docstring)


def pick(rng: np.random.Generator, words: tuple[str, ...], n: int) -> pa.Array:
    return pa.array(words).take(pa.array(rng.integers(0, len(words), n)))


def join(*parts: pa.Array | str, sep: str = " ") -> pa.Array:
    joined = pc.binary_join_element_wise(*parts, sep)
    return pc.utf8_trim_whitespace(joined)


def owner_names(rng: np.random.Generator, female: np.ndarray) -> pa.Array:
    n = len(female)
    first = pc.if_else(pa.array(female), pick(rng, FEMALE_NAMES, n), pick(rng, MALE_NAMES, n))
    return join(first, pick(rng, FAMILY_NAMES, n))


def business_names(
    rng: np.random.Generator, division: np.ndarray, legal_form: pa.Array, divisions: tuple[str, ...]
) -> pa.Array:
    """Names such as ``CV Kerupuk Sari Jaya``: legal-form prefix (PT, CV, Firma, Koperasi; none
    for perorangan), a product word of the KBLI division, two name words."""
    n = len(division)
    # product word: pick an index per division, then map through a flat table
    flat = [w for d in divisions for w in PRODUCT_WORDS.get(d, ("Industri",))]
    sizes = np.array([len(PRODUCT_WORDS.get(d, ("Industri",))) for d in divisions])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    index = offsets[division] + np.floor(rng.random(n) * sizes[division]).astype(np.int64)
    product = pa.array(flat).take(pa.array(index))
    prefixes = {"pt": "PT", "pt_perorangan": "PT", "cv": "CV", "firma": "Firma", "koperasi": "Koperasi"}
    keys = pa.array(list(prefixes))
    values = pa.array(list(prefixes.values()))
    position = pc.index_in(legal_form, value_set=keys)
    prefix = pc.if_else(pc.is_null(position), "", values.take(pc.fill_null(position, 0)))
    first = rng.integers(0, len(NAME_WORDS), n)
    second = (first + rng.integers(1, len(NAME_WORDS), n)) % len(NAME_WORDS)  # never the same word twice
    words = pa.array(NAME_WORDS)
    return join(prefix, product, words.take(pa.array(first)), words.take(pa.array(second)))


@dataclass(frozen=True)
class IdBlock:
    """Where a generated block's ids start, so that blocks generated apart (lumbung.synthetic.
    partitioned) never share a source id or a NIB: firm numbers from ``first + 1``, under the
    prefix of seed ``seed``, NIBs from the one affine sequence of ``nib_offset``."""

    seed: int
    first: int
    nib_offset: int


def source_ids(seed: int, n: int, first: int = 0) -> pa.Array:
    numbers = pc.utf8_lpad(pa.array(np.arange(first + 1, first + n + 1, dtype=np.int64)).cast(pa.string()), 8, "0")
    return pc.binary_join_element_wise(f"SYN{seed}", numbers, "-")


def niks(rng: np.random.Generator, region: pa.Array, female: np.ndarray, birth_year: np.ndarray) -> pa.Array:
    """16-digit NIK: district code of the region + DDMMYY (+40 on the day for women) + 9xxx."""
    n = len(female)
    district = pc.replace_substring(pc.utf8_slice_codeunits(region, 0, 8), ".", "")
    district_number = np.asarray(district.cast(pa.int64()), dtype=np.int64)
    day = rng.integers(1, 29, n) + np.where(female, 40, 0)
    month = rng.integers(1, 13, n)
    serial = rng.integers(SYNTHETIC_SERIAL_FLOOR, 10_000, n)
    number = district_number * 10**10 + day * 10**8 + month * 10**6 + (birth_year % 100) * 10**4 + serial
    return pa.array(number).cast(pa.string())


NIB_MODULUS = 9 * 10**12


def nibs(rng: np.random.Generator, n: int, first: int = 0, offset: int | None = None) -> pa.Array:
    """n distinct 13-digit numbers: an affine bijection of first..first+n-1 modulo 9 * 10**12
    (the multiplier is a prime that does not divide the modulus), shifted above 10**12. The
    offset is drawn from ``rng`` unless given (it is drawn either way, so the stream stays put)."""
    modulus = NIB_MODULUS
    multiplier = 2_654_435_761  # prime, coprime with 2, 3 and 5
    drawn = int(rng.integers(0, modulus))
    offset = drawn if offset is None else offset
    i = np.arange(first, first + n, dtype=np.int64)
    # (i * multiplier) can exceed int64 for large n: reduce with Python ints only if needed
    if (first + n) * multiplier < 2**63:
        values = (i * multiplier + offset) % modulus
    else:  # pragma: no cover - populations beyond 3.4 billion firms
        values = np.array([(int(k) * multiplier + offset) % modulus for k in i], dtype=np.int64)
    return pa.array(values + 10**12).cast(pa.string())
