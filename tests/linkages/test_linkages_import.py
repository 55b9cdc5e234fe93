"""Linkage and membership import: every row stored or explained, idempotent, audited; export
that imports again; the CLI's exit codes and one-sentence failures."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner
from network_samples import LINK_HEADER, MEMBER_HEADER, enterprise, write_csv

from lumbung.cli import main
from lumbung.linkages.importer import export_network, import_network
from lumbung.linkages.models import Cooperative, Linkage, Membership, Sentra
from lumbung.registry.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms():
    return [enterprise("A", nib="1000000000001"), enterprise("B"), enterprise("L", workers=150)]


def _good(**change):
    return {"ikm": "1000000000001", "partner": "template:L", "kind": "buyer", "start_date": "2021-01-01",
            "output_share": "40", "source": "survey 2023", **change}


def test_every_row_is_stored_or_explained(tmp_path, firms):
    rows = [_good(),
            _good(ikm="template:B", kind="mentor"),                    # 3: not a linkage type
            _good(ikm="template:B", start_date="1901-05-01"),          # 4: implausible date
            _good(ikm="template:B", end_date="2020-01-01"),            # 5: ends before it starts
            _good(ikm="template:L"),                                   # 6: self-link
            _good(ikm="template:B", source=""),                        # 7: no source named
            _good(ikm="template:Z"),                                   # 8: unknown enterprise
            _good(ikm="lumbung:%d" % firms[2].pk),                     # 9: self-link through another reference
            _good(),                                                   # 10: the same record as line 2
            _good(ikm="template:B", output_share="140"),               # 11: not a percentage
            _good(ikm="template:B", kind="subcontracting")]            # 12: good
    errors = tmp_path / "errors.csv"
    result = import_network(write_csv(tmp_path / "l.csv", LINK_HEADER, rows), "linkages", errors_path=errors)
    assert (result.imported, result.rejected) == (2, 9)
    assert Linkage.objects.count() == 2
    with open(errors, encoding="utf-8") as handle:
        lines = list(csv.reader(handle))[1:]
    by_line = {int(line): (column, reason) for line, column, _value, reason in lines}
    assert sorted(by_line) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert by_line[3][0] == "kind" and "not one of" in by_line[3][1]
    assert by_line[4] == ("start_date", f"start_date 1901-05-01 is not a date between 1975-01-01 and "
                                        f"{__import__('datetime').date.today().isoformat()}")
    assert by_line[5][0] == "end_date" and "before the start date" in by_line[5][1]
    assert by_line[6] == ("ikm", "an enterprise cannot be its own partner")
    assert by_line[7] == ("source", "source is required")
    assert by_line[8] == ("ikm", "no enterprise template:Z in the registry")
    assert by_line[9] == ("partner", "an enterprise cannot be its own partner")
    assert "already on line 2" in by_line[10][1]
    assert by_line[11][0] == "output_share"


def test_reimport_is_idempotent_and_audited(tmp_path, firms):
    path = write_csv(tmp_path / "l.csv", LINK_HEADER, [_good(), _good(ikm="template:B", output_share="")])
    first = import_network(path, "linkages")
    assert first.counts["created"] == 2
    entries = AuditEntry.objects.filter(model="linkage")
    assert entries.count() == 2 and set(entries.values_list("source", flat=True)) == {"import:l.csv"}
    again = import_network(path, "linkages")
    assert (again.counts["created"], again.counts["updated"], again.counts["unchanged"]) == (0, 0, 2)
    assert AuditEntry.objects.filter(model="linkage").count() == 2
    changed = write_csv(tmp_path / "l.csv", LINK_HEADER, [_good(end_date="2024-12-31"),
                                                          _good(ikm="template:B", output_share="")])
    third = import_network(changed, "linkages")
    assert (third.counts["updated"], third.counts["unchanged"]) == (1, 1)
    update = AuditEntry.objects.get(model="linkage", action="update")
    assert update.changes == {"end_date": [None, "2024-12-31"]}


def test_dry_run_stores_nothing(tmp_path, firms):
    result = import_network(write_csv(tmp_path / "l.csv", LINK_HEADER, [_good()]), "linkages", dry_run=True)
    assert result.imported == 1 and Linkage.objects.count() == 0


def test_memberships_and_export_round_trip(tmp_path, firms):
    Sentra.objects.create(code="S1", name="Sentra", kind="LIK", region_code="32.04")
    Cooperative.objects.create(code="K1", name="KOPINKRA", kind="KOPINKRA", region_code="32.04")
    rows = [{"enterprise": "1000000000001", "sentra": "S1", "start_date": "2019-01-01", "source": "Dinas"},
            {"enterprise": "template:B", "cooperative": "K1", "start_date": "2020-01-01", "source": "=cmd"},
            {"enterprise": "template:B", "sentra": "S1", "cooperative": "K1", "start_date": "2020-01-01",
             "source": "Dinas"},                                          # both groups
            {"enterprise": "template:B", "sentra": "S9", "start_date": "2020-01-01", "source": "Dinas"}]  # unknown
    result = import_network(write_csv(tmp_path / "m.csv", MEMBER_HEADER, rows), "memberships")
    assert (result.imported, result.rejected) == (2, 2)
    assert {e.line: e.column for e in result.errors} == {4: "sentra", 5: "sentra"}
    assert Membership.objects.get(cooperative__code="K1").source == "=cmd"
    out = tmp_path / "out.csv"
    assert export_network(out, "memberships") == 2
    assert "'=cmd" in out.read_text(encoding="utf-8")  # neutralised for spreadsheets
    again = import_network(out, "memberships")
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 2, "audit_entries": 0}


def _invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_cli_exit_codes(tmp_path, firms):
    good = write_csv(tmp_path / "l.csv", LINK_HEADER, [_good()])
    result = _invoke("import-network", good, "--kind", "linkages")
    assert result.exit_code == 0 and result.output.strip().splitlines()[-1] == "1 imported, 0 rejected"
    bad = write_csv(tmp_path / "b.csv", LINK_HEADER, [_good(kind="x")])
    assert _invoke("import-network", bad, "--kind", "linkages").exit_code == 1
    missing = tmp_path / "m.csv"
    missing.write_text("ikm,kind\n1,buyer\n", encoding="utf-8")
    result = _invoke("import-network", missing, "--kind", "linkages")
    assert result.exit_code == 2 and "required columns missing: partner, start_date, source" in result.output
    result = _invoke("export-network", "--kind", "linkages", "--out", tmp_path / "x.xlsx")
    assert result.exit_code == 2
    out = tmp_path / "l2.csv"
    assert _invoke("export-network", "--kind", "linkages", "--out", out).exit_code == 0
    assert out.read_text(encoding="utf-8").splitlines()[1].startswith("1000000000001,template:L,buyer,2021-01-01")


SENTRA_HEADER = ["kode", "nama", "jenis", "kode_wilayah", "upt", "petugas_tpi", "sumber"]  # Indonesian headers


def test_sentra_and_cooperatives_import_with_the_same_guarantees(tmp_path):
    rows = [{"kode": "S1", "nama": "Sentra Tahu", "jenis": "PIK", "kode_wilayah": "3204", "upt": "UPT Pangan",
             "petugas_tpi": "Ibu Sari\nPak Budi", "sumber": "Dinas 2024"},
            {"kode": "S2", "nama": "Sentra Logam", "jenis": "KIK", "kode_wilayah": "32.04"},       # type
            {"kode": "S3", "nama": "Sentra Batik", "jenis": "SUIK", "kode_wilayah": "32.99"},      # no region
            {"kode": "S4", "nama": "Sentra Rotan", "jenis": "LIK", "kode_wilayah": "32.04",
             "petugas_tpi": "Pak Budi 0812-3456-7890"},                                           # personal data
            {"kode": "S1", "nama": "Sentra Tahu lagi", "jenis": "PIK", "kode_wilayah": "32.04"},  # same code
            {"kode": "", "nama": "Tanpa kode", "jenis": "PIK", "kode_wilayah": "32.04"}]
    path = write_csv(tmp_path / "s.csv", SENTRA_HEADER, rows)
    errors = tmp_path / "errors.csv"
    result = import_network(path, "sentra", errors_path=errors)
    assert (result.imported, result.rejected) == (1, 5)
    # lines of the file: the first row's officers cell holds a line break, so that row is lines 2-3
    assert {e.line: e.column for e in result.errors} == {4: "kind", 5: "region_code", 6: "tpi_officers", 7: "code",
                                                         8: "code"}
    assert "3456" not in errors.read_text(encoding="utf-8")  # a phone number is not echoed into the errors file
    sentra = Sentra.objects.get(code="S1")
    assert (sentra.region_code, sentra.officers, sentra.kind) == ("32.04", ["Ibu Sari", "Pak Budi"], "PIK")
    entry = AuditEntry.objects.get(model="sentra", object_id=sentra.pk)
    assert (entry.action, entry.source) == ("create", "import:s.csv")
    assert import_network(path, "sentra").counts["unchanged"] == 1  # idempotent
    out = tmp_path / "sentra.csv"
    assert export_network(out, "sentra") == 1
    assert import_network(out, "sentra").counts == {"created": 0, "updated": 0, "unchanged": 1, "audit_entries": 0}
    coops = write_csv(tmp_path / "k.csv", ["code", "name", "kind", "region_code", "source"],
                      [{"code": "K1", "name": "KOPINKRA Rotan", "kind": "KOPINKRA", "region_code": "32.04",
                        "source": "Dinas"}])
    assert _invoke("import-network", coops, "--kind", "cooperatives").exit_code == 0
    changed = write_csv(tmp_path / "k2.csv", ["code", "name", "kind", "region_code", "source"],
                        [{"code": "K1", "name": "KOPINKRA Rotan", "kind": "KUB", "region_code": "32.04",
                          "source": "Dinas"}])
    assert import_network(changed, "cooperatives").counts["updated"] == 1
    update = AuditEntry.objects.get(model="cooperative", action="update")
    assert update.changes == {"kind": ["KOPINKRA", "KUB"]}
    assert _invoke("export-network", "--kind", "cooperatives", "--out", tmp_path / "k3.csv").exit_code == 0
