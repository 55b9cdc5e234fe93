"""Two ``lumbung import`` processes of the same file at the same time (issue 8.13: one of them
crashed with IntegrityError / UniqueViolation). The batches serialise on the import lock: both
succeed, without a traceback, and the registry holds each enterprise once."""

from __future__ import annotations

import pytest
from imports_processes import finish, query, run
from imports_samples import row, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

FIRMS, YEARS, BATCH = 1500, 2, 100


@pytest.mark.parametrize("attempt", range(3))
def test_the_same_file_imported_twice_at_once(tmp_path, fresh_database, attempt):
    path = write_csv(tmp_path / "same.csv", [
        row(source_id=f"E{i:05d}", nib=f"{9100000000000 + i}", year=str(2022 + y), owner_nik="")
        for i in range(FIRMS) for y in range(YEARS)])
    url, home = fresh_database(f"race{attempt}"), tmp_path / "home"
    assert finish(run(["init"], url, home))[0] == 0
    # Batches of different sizes in the two, so that they do not march in step.
    first = run(["import", str(path), "--batch-size", str(BATCH)], url, home)
    second = run(["import", str(path), "--batch-size", str(BATCH + 37 * attempt + 13)], url, home)
    results = [finish(first), finish(second)]
    for code, out in results:
        assert "Traceback" not in out and "Error" not in out, out[-3000:]
        assert code == 0 and out.strip().splitlines()[-1] == f"{FIRMS * YEARS} imported, 0 rejected", out[-2000:]
    assert query(url, "SELECT COUNT(*), COUNT(DISTINCT source_id) FROM registry_enterprise") == [(FIRMS, FIRMS)]
    assert query(url, "SELECT COUNT(*) FROM registry_annualreport")[0][0] == FIRMS * YEARS
    assert query(url, "SELECT COUNT(*) FROM registry_auditentry WHERE model = 'enterprise'")[0][0] == FIRMS
    created = sum(int(out.split("enterprises: ")[1].split(" created")[0]) for _code, out in results)
    assert created == FIRMS  # what one created, the other found unchanged


def test_records_another_import_stored_meanwhile_are_seen(tmp_path):
    """Deterministic form of the race: between two batches of one import (into what was an empty
    registry), another import stores the same file. The rest of the first import must find those
    records (it used to skip the look-ups for the whole import and insert them again)."""
    from lumbung.registry.importer import import_file
    from lumbung.registry.models import Enterprise

    path = write_csv(tmp_path / "same.csv", [row(source_id=f"E{i}", nib="", owner_nik="") for i in range(40)])
    meanwhile = []

    def other_import_after_the_first_batch(done, total):
        if not meanwhile:
            meanwhile.append(import_file(path, batch_size=1000))

    result = import_file(path, batch_size=10, progress=other_import_after_the_first_batch)
    assert (result.imported, result.rejected) == (40, 0)
    assert meanwhile[0].counts["enterprises_created"] == 30
    assert (result.counts["enterprises_created"], result.counts["enterprises_unchanged"]) == (10, 30)
    assert Enterprise.objects.count() == 40
