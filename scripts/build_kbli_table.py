"""Build Lumbung's own KBLI 2020 table, ``src/lumbung/sectors/kbli2020.tsv``.

Usage::

    python scripts/build_kbli_table.py REFERENCE.csv [OUTPUT.tsv]

REFERENCE.csv is a list of KBLI 2020 codes with the columns ``code,level,title`` (levels
division, group, class, subclass), e.g. the titles served by the OSS licensing system. The
classification itself is Peraturan BPS No. 2 Tahun 2020 tentang Klasifikasi Baku Lapangan Usaha
Indonesia (KBLI). This script reshapes that list into the project's table: it adds the 21
sections (kategori) A-U, written here by hand in Indonesian and English, the section of every
code, the parent of every code, and English titles for the divisions (our own translations,
following the division titles of ISIC Rev. 4, on which KBLI 2020 is built). Titles below the
division level stay Indonesian only.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

#: KBLI 2020 sections (kategori): (letter, first division, last division, title_id, title_en).
#: Source: Peraturan BPS No. 2/2020 (KBLI 2020); English names after ISIC Rev. 4.
SECTIONS = (
    ("A", 1, 3, "Pertanian, Kehutanan dan Perikanan", "Agriculture, forestry and fishing"),
    ("B", 5, 9, "Pertambangan dan Penggalian", "Mining and quarrying"),
    ("C", 10, 33, "Industri Pengolahan", "Manufacturing"),
    ("D", 35, 35, "Pengadaan Listrik, Gas, Uap/Air Panas dan Udara Dingin",
     "Electricity, gas, steam and air conditioning supply"),
    ("E", 36, 39,
     "Treatment Air, Treatment Air Limbah, Treatment dan Pemulihan Material Sampah, dan Aktivitas Remediasi",
     "Water supply; sewerage, waste management and remediation activities"),
    ("F", 41, 43, "Konstruksi", "Construction"),
    ("G", 45, 47, "Perdagangan Besar dan Eceran; Reparasi dan Perawatan Mobil dan Sepeda Motor",
     "Wholesale and retail trade; repair of motor vehicles and motorcycles"),
    ("H", 49, 53, "Pengangkutan dan Pergudangan", "Transportation and storage"),
    ("I", 55, 56, "Penyediaan Akomodasi dan Penyediaan Makan Minum",
     "Accommodation and food service activities"),
    ("J", 58, 63, "Informasi dan Komunikasi", "Information and communication"),
    ("K", 64, 66, "Aktivitas Keuangan dan Asuransi", "Financial and insurance activities"),
    ("L", 68, 68, "Real Estat", "Real estate activities"),
    ("M", 69, 75, "Aktivitas Profesional, Ilmiah dan Teknis",
     "Professional, scientific and technical activities"),
    ("N", 77, 82,
     "Aktivitas Penyewaan dan Sewa Guna Usaha Tanpa Hak Opsi, Ketenagakerjaan, Agen Perjalanan "
     "dan Penunjang Usaha Lainnya",
     "Administrative and support service activities"),
    ("O", 84, 84, "Administrasi Pemerintahan, Pertahanan dan Jaminan Sosial Wajib",
     "Public administration and defence; compulsory social security"),
    ("P", 85, 85, "Pendidikan", "Education"),
    ("Q", 86, 88, "Aktivitas Kesehatan Manusia dan Aktivitas Sosial",
     "Human health and social work activities"),
    ("R", 90, 93, "Kesenian, Hiburan dan Rekreasi", "Arts, entertainment and recreation"),
    ("S", 94, 96, "Aktivitas Jasa Lainnya", "Other service activities"),
    ("T", 97, 98,
     "Aktivitas Rumah Tangga sebagai Pemberi Kerja; Aktivitas yang Menghasilkan Barang dan Jasa "
     "oleh Rumah Tangga yang Digunakan untuk Memenuhi Kebutuhan Sendiri",
     "Activities of households as employers; undifferentiated goods- and services-producing "
     "activities of households for own use"),
    ("U", 99, 99, "Aktivitas Badan Internasional dan Badan Ekstra Internasional Lainnya",
     "Activities of extraterritorial organizations and bodies"),
)

#: English division titles, our own wording after ISIC Rev. 4 (KBLI 2020 keeps ISIC's divisions).
DIVISIONS_EN = {
    "01": "Crop and animal production, hunting and related service activities",
    "02": "Forestry and logging",
    "03": "Fishing and aquaculture",
    "05": "Mining of coal and lignite",
    "06": "Extraction of crude petroleum, natural gas and geothermal",
    "07": "Mining of metal ores",
    "08": "Other mining and quarrying",
    "09": "Mining support service activities",
    "10": "Manufacture of food products",
    "11": "Manufacture of beverages",
    "12": "Manufacture of tobacco products",
    "13": "Manufacture of textiles",
    "14": "Manufacture of wearing apparel",
    "15": "Manufacture of leather, leather products and footwear",
    "16": "Manufacture of wood and of products of wood and cork, except furniture; "
          "articles of bamboo, rattan and plaiting materials",
    "17": "Manufacture of paper and paper products",
    "18": "Printing and reproduction of recorded media",
    "19": "Manufacture of coke and refined petroleum products",
    "20": "Manufacture of chemicals and chemical products",
    "21": "Manufacture of pharmaceuticals, medicinal chemical and traditional medicine products",
    "22": "Manufacture of rubber and plastics products",
    "23": "Manufacture of other non-metallic mineral products",
    "24": "Manufacture of basic metals",
    "25": "Manufacture of fabricated metal products, except machinery and equipment",
    "26": "Manufacture of computer, electronic and optical products",
    "27": "Manufacture of electrical equipment",
    "28": "Manufacture of machinery and equipment n.e.c.",
    "29": "Manufacture of motor vehicles, trailers and semi-trailers",
    "30": "Manufacture of other transport equipment",
    "31": "Manufacture of furniture",
    "32": "Other manufacturing",
    "33": "Repair and installation of machinery and equipment",
    "35": "Electricity, gas, steam and air conditioning supply",
    "36": "Water collection, treatment and supply",
    "37": "Sewerage",
    "38": "Waste collection, treatment and disposal activities; materials recovery",
    "39": "Remediation activities and other waste management services",
    "41": "Construction of buildings",
    "42": "Civil engineering",
    "43": "Specialized construction activities",
    "45": "Wholesale and retail trade and repair of motor vehicles and motorcycles",
    "46": "Wholesale trade, except of motor vehicles and motorcycles",
    "47": "Retail trade, except of motor vehicles and motorcycles",
    "49": "Land transport and transport via pipelines",
    "50": "Water transport",
    "51": "Air transport",
    "52": "Warehousing and support activities for transportation",
    "53": "Postal and courier activities",
    "55": "Accommodation",
    "56": "Food and beverage service activities",
    "58": "Publishing activities",
    "59": "Motion picture, video and television programme production, sound recording and "
          "music publishing activities",
    "60": "Programming and broadcasting activities",
    "61": "Telecommunications",
    "62": "Computer programming, consultancy and related activities",
    "63": "Information service activities",
    "64": "Financial service activities, except insurance and pension funding",
    "65": "Insurance, guarantee, reinsurance and pension funding, except compulsory social security",
    "66": "Activities auxiliary to financial service, insurance, guarantee and pension funding",
    "68": "Real estate activities",
    "69": "Legal and accounting activities",
    "70": "Activities of head offices; management consultancy activities",
    "71": "Architectural and engineering activities; technical testing and analysis",
    "72": "Scientific research and development",
    "73": "Advertising and market research",
    "74": "Other professional, scientific and technical activities",
    "75": "Veterinary activities",
    "77": "Rental and leasing activities without option rights",
    "78": "Employment activities",
    "79": "Travel agency, tour operator, reservation service and related activities",
    "80": "Security and investigation activities",
    "81": "Services to buildings and landscape activities",
    "82": "Office administrative, office support and other business support activities",
    "84": "Public administration and defence; compulsory social security",
    "85": "Education",
    "86": "Human health activities",
    "87": "Residential care activities",
    "88": "Social work activities without accommodation",
    "90": "Creative, arts and entertainment activities",
    "91": "Libraries, archives, museums and other cultural activities",
    "93": "Sports activities and amusement and recreation activities",
    "94": "Activities of membership organizations",
    "95": "Repair of computers and personal and household goods",
    "96": "Other personal service activities",
    "97": "Activities of households as employers of domestic personnel",
    "98": "Undifferentiated goods- and services-producing activities of private households for own use",
    "99": "Activities of extraterritorial organizations and bodies",
}

#: Codes the OSS list lacks although its own subclasses need them as parent (49421-49429 have no
#: class 4942). Title written for Lumbung from KBLI 2020's pattern (sibling 4941 "..., Dalam
#: Trayek"); the subclasses under it are all passenger transport outside fixed routes.
ADDED_CODES = {
    "4942": ("class", "Angkutan Darat Bukan Bus untuk Penumpang, Tidak Dalam Trayek"),
}

LEVEL_BY_LENGTH = {2: "division", 3: "group", 4: "class", 5: "subclass"}
COLUMNS = ("code", "level", "section", "parent", "title_id", "title_en")
HEADER = (
    "# Lumbung's KBLI 2020 table (Klasifikasi Baku Lapangan Usaha Indonesia 2020).\n"
    "# Source: Peraturan BPS No. 2 Tahun 2020 tentang KBLI; titles below sections as served by\n"
    "# the OSS licensing system. Sections and English titles written for Lumbung.\n"
    "# Built by scripts/build_kbli_table.py; division 92 (ISIC gambling and betting) is not in\n"
    "# the OSS list and is not invented here. Class 4942 is added (its subclasses are in the list);\n"
    "# subclasses 74100 and 77301 (kept by OSS from KBLI 2015) hang under their group.\n"
)


def section_of_division(division: str) -> str:
    number = int(division)
    for letter, first, last, _title_id, _title_en in SECTIONS:
        if first <= number <= last:
            return letter
    raise ValueError(f"division {division} lies in no KBLI 2020 section")


def read_reference(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        code = row["code"].strip()
        if not code.isdigit() or LEVEL_BY_LENGTH.get(len(code)) != row["level"].strip():
            raise ValueError(f"reference row {row!r}: code length and level disagree")
    return rows


def nearest_parent(code: str, known: set[str]) -> str:
    """The closest existing ancestor. Two OSS subclasses (74100, 77301, codes kept from KBLI 2015)
    have no class above them, so they hang directly under their group."""
    for length in range(len(code) - 1, 1, -1):
        if code[:length] in known:
            return code[:length]
    return section_of_division(code[:2])


def build_rows(reference: list[dict[str, str]]) -> list[tuple[str, ...]]:
    titles = {row["code"].strip(): (row["level"].strip(), " ".join(row["title"].split())) for row in reference}
    for code, entry in ADDED_CODES.items():
        titles.setdefault(code, entry)
    rows = [(letter, "section", letter, "", title_id, title_en)
            for letter, _first, _last, title_id, title_en in SECTIONS]
    known = set(titles)
    for code in sorted(titles):
        level, title_id = titles[code]
        section = section_of_division(code[:2])
        parent = section if len(code) == 2 else nearest_parent(code, known)
        title_en = DIVISIONS_EN.get(code, "") if len(code) == 2 else ""
        rows.append((code, level, section, parent, title_id, title_en))
    return rows


def write_table(rows: list[tuple[str, ...]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(HEADER)
        handle.write("\t".join(COLUMNS) + "\n")
        for row in rows:
            if any("\t" in field or "\n" in field for field in row):
                raise ValueError(f"tab or newline inside {row!r}")
            handle.write("\t".join(row) + "\n")


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    default = Path(__file__).resolve().parents[1] / "src" / "lumbung" / "sectors" / "kbli2020.tsv"
    output = Path(argv[2]) if len(argv) == 3 else default
    rows = build_rows(read_reference(Path(argv[1])))
    write_table(rows, output)
    print(f"wrote {len(rows)} rows to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
