"""The query plans of the registry's access paths on PostgreSQL (docs/postgresql.md shows them).

    .venv/bin/python benchmarks/pg_plans.py postgres://postgres@127.0.0.1:5432/lumbung_bench

Run it against a registry with data (``LUMBUNG_BENCH_KEEP=1 benchmarks/bench_pg_import.py``
leaves one). Each access path's query runs under ``EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF)``
after ``ANALYZE``, with values taken from the data, and its plan is printed.
"""

from __future__ import annotations

import sys

import psycopg


def main(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE registry_enterprise")
        conn.execute("ANALYZE registry_annualreport")
        total = conn.execute("SELECT COUNT(*) FROM registry_enterprise").fetchone()[0]
        region, kbli, source, sid, digest, eid = conn.execute(
            "SELECT substr(region_code, 1, 5), kbli, source, source_id, owner_nik_digest, id FROM registry_enterprise "
            "WHERE owner_nik_digest IS NOT NULL AND source_id IS NOT NULL ORDER BY id LIMIT 1").fetchone()
        paths = [
            ("a regency and everything below it (registry.rows, api filters, access scopes)",
             "SELECT id FROM registry_enterprise WHERE region_code = %s OR region_code LIKE %s", (region, region + ".%")),
            ("a KBLI subclass", "SELECT id FROM registry_enterprise WHERE kbli = %s", (kbli,)),
            ("a KBLI division (prefix)", "SELECT id FROM registry_enterprise WHERE kbli LIKE %s", (kbli[:2] + "%",)),
            ("an enterprise by its source ID (the import's match)",
             "SELECT id FROM registry_enterprise WHERE source = %s AND source_id IN (%s)", (source, sid)),
            ("an owner by NIK digest", "SELECT id FROM registry_enterprise WHERE owner_nik_digest = %s", (digest,)),
            ("the reports of enterprises (the import's look-up)",
             "SELECT id, year FROM registry_annualreport WHERE enterprise_id IN (%s, %s)", (eid, eid + 1)),
            ("one year of reports joined to enterprises (the analytics build's read)",
             "SELECT r.enterprise_id, e.region_code, r.sales FROM registry_annualreport r "
             "JOIN registry_enterprise e ON e.id = r.enterprise_id WHERE r.year IN (2021) ORDER BY r.year", ()),
        ]
        print(f"registry: {total:,} enterprises")
        for title, sql, params in paths:
            plan = conn.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + sql, params).fetchall()
            print(f"\n-- {title}\n-- {sql % tuple(repr(p) for p in params)}")
            print("\n".join(row[0] for row in plan))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
