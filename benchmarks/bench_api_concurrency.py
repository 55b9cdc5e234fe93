"""Issue 8.17: concurrent report submissions over HTTP while an officer imports a file.

A real server (`lumbung serve`, waitress) on a loopback port; W writer threads submit yearly
reports through the API (``POST /api/reports/`` and ``PATCH`` with ``If-Match``), all of them on
a few shared "hot" reports so that their updates collide, while `lumbung import` stores a file
of new enterprises into the same database. Checked afterwards:

- no lost update: every hot report's ``workers`` equals its start value plus the number of
  PATCHes the server acknowledged on it (each PATCH adds one);
- every acknowledged POST is stored; the import stored every row of its file;
- no response mentions "database is locked", no 5xx other than 503 (which carries Retry-After
  and is retried by the client, as the API documents).

Latency of every request (queueing included) is recorded: p50, p95, p99.

    python benchmarks/bench_api_concurrency.py --writers 50                        # SQLite (WAL)
    python benchmarks/bench_api_concurrency.py --writers 50 \\
        --database postgresql://postgres@127.0.0.1:5432/NAME --reset-postgres        # PostgreSQL

``--reset-postgres`` empties that database's public schema first: give a scratch database.
tests/api/test_api_concurrency.py runs the same harness with fewer writers.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LUMBUNG = "from lumbung.cli import main; main()"
HOT_YEAR = 2023
REGION = "32.04.05"
#: Districts of Kabupaten Bandung (32.04) that exist in the pinned region list.
DISTRICTS = tuple(f"32.04.{n:02d}" for n in range(5, 17))

SEED = """
import json, sys
import lumbung
lumbung.setup_django()
from lumbung.api import tokens
from lumbung.registry.accounts import create_user
from lumbung.registry.models import AnnualReport, Enterprise
writers, hot = int(sys.argv[1]), int(sys.argv[2])
firms = [Enterprise.objects.create(name=f"Hot {i}", region_code="%(region)s", kbli="10792") for i in range(hot)]
reports = [AnnualReport.objects.create(enterprise=e, year=%(year)d, workers=1) for e in firms]
keys = []
for i in range(writers):
    user = create_user(f"writer-{i}", "owner", enterprises=[firms[i %% hot].pk])  # no password: token only
    keys.append(tokens.issue(user, "bench")[1])
officer = create_user("officer-bench", "officer", regions=["32.04"])
print(json.dumps({"keys": keys, "firms": [e.pk for e in firms], "reports": [r.pk for r in reports]}))
""" % {"region": REGION, "year": HOT_YEAR}

COUNT = """
import json, sys
import lumbung
lumbung.setup_django()
from lumbung.registry.models import AnnualReport, Enterprise
ids = json.loads(sys.argv[1])
print(json.dumps({"workers": {str(r.pk): r.workers for r in AnnualReport.objects.filter(pk__in=ids)},
                  "imported": Enterprise.objects.filter(source="bench-import").count(),
                  "posted": AnnualReport.objects.filter(year__lt=%(year)d, enterprise__name__startswith="Hot ").count()}))
""" % {"year": HOT_YEAR}


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"GET": [], "PATCH": [], "POST": []})
    statuses: dict[int, int] = field(default_factory=dict)
    acknowledged: dict[int, int] = field(default_factory=dict)  # report id -> PATCHes answered 200
    posted: int = 0
    conflicts: int = 0  # 412: the optimistic check refused a stale version
    busy: int = 0  # 503 with Retry-After
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, method: str, status: int, seconds: float) -> None:
        with self.lock:
            self.latencies[method].append(seconds)
            self.statuses[status] = self.statuses.get(status, 0) + 1


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(home: Path, database: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUMBUNG_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(LUMBUNG_HOME=str(home), LUMBUNG_API_ANON_RATE="100000/min",
               PYTHONPATH=os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]))
    if database:
        env["LUMBUNG_DATABASE_URL"] = database
    return env


def python(code: str, *args: str, env: dict, timeout: int = 600) -> str:
    result = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True,
                            timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"subprocess failed: {result.stderr[-2000:]}")
    return result.stdout


def write_import_file(path: Path, rows: int) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["source_id", "name", "region_code", "kbli", "year", "workers", "sales"])
        for i in range(rows):
            out.writerow([f"B{i}", f"Impor {i}", DISTRICTS[i % len(DISTRICTS)], "10792", HOT_YEAR, 1 + i % 40, 1_000_000 * (i % 97)])


def reset_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgresql://", "postgres://", 1), autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


class Client:
    """One writer's keep-alive HTTP connection to the server."""

    def __init__(self, port: int, key: str, tally: Tally):
        self.port, self.key, self.tally = port, key, tally
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def call(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        head = {"Authorization": f"Token {self.key}", "Content-Type": "application/json", **(headers or {})}
        for _attempt in range(100):
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=data, headers=head)
                response = self.conn.getresponse()
                payload = response.read()
            except (http.client.HTTPException, OSError) as error:
                self.tally.failures.append(f"{method} {path}: connection {error!r}")
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                continue
            self.tally.record(method, response.status, time.perf_counter() - started)
            text = payload.decode("utf-8", "replace")
            if "locked" in text.lower():
                self.tally.failures.append(f"{method} {path}: {response.status} {text[:200]}")
            if response.status == 503 and response.getheader("Retry-After"):
                with self.tally.lock:
                    self.tally.busy += 1
                time.sleep(float(response.getheader("Retry-After")))
                continue
            if response.status >= 500:
                self.tally.failures.append(f"{method} {path}: {response.status} {text[:200]}")
            return response.status, (json.loads(text) if text.startswith(("{", "[")) else text), response
        raise RuntimeError(f"{method} {path}: no answer after 100 attempts")


def writer(index: int, port: int, key: str, firm: int, report: int, updates: int, tally: Tally) -> None:
    client = Client(port, key, tally)
    # A new report for a year of its own (one year per writer), then updates of the shared report.
    status, _, _ = client.call("POST", "/api/reports/", {"enterprise": firm, "year": HOT_YEAR - 1 - index,
                                                         "workers": 2, "sales": 1_000_000})
    if status == 201:
        with tally.lock:
            tally.posted += 1
    else:
        tally.failures.append(f"POST answered {status}")
    done = 0
    while done < updates:
        status, data, response = client.call("GET", f"/api/reports/{report}/")
        if status != 200:
            tally.failures.append(f"GET answered {status}")
            return
        status, _, _ = client.call("PATCH", f"/api/reports/{report}/", {"workers": data["workers"] + 1},
                                   {"If-Match": response.getheader("ETag")})
        if status == 200:
            done += 1
            with tally.lock:
                tally.acknowledged[report] = tally.acknowledged.get(report, 0) + 1
        elif status == 412:
            with tally.lock:
                tally.conflicts += 1
        else:
            tally.failures.append(f"PATCH answered {status}")
            return


def wait_for(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not start")


def run(writers: int = 50, updates: int = 10, hot: int = 5, import_rows: int = 20_000, database: str | None = None,
        home: Path | None = None, threads: int = 8, batch_size: int | None = None) -> dict:
    home = Path(home or tempfile.mkdtemp(prefix="lumbung-concurrency-"))
    env = environment(home, database)
    subprocess.run([sys.executable, "-c", LUMBUNG, "init"], env=env, check=True, capture_output=True, timeout=300)
    seed = json.loads(python(SEED, str(writers), str(hot), env=env))
    import_file = home / "officer-upload.csv"
    write_import_file(import_file, import_rows)
    port = free_port()
    # Logs go to files: a pipe nobody reads would fill up and block the server's threads.
    server_log, import_log = home / "server.log", home / "import.log"
    server = subprocess.Popen([sys.executable, "-c", LUMBUNG, "serve", "--port", str(port), "--threads", str(threads)],
                              env=env, stdout=subprocess.DEVNULL, stderr=open(server_log, "w"))
    tally = Tally()
    try:
        wait_for(port, time.monotonic() + 90)
        command = [sys.executable, "-c", LUMBUNG, "import", str(import_file), "--source", "bench-import"]
        if batch_size:
            command += ["--batch-size", str(batch_size)]
        started = time.perf_counter()
        importer = subprocess.Popen(command, env=env, stdout=open(import_log, "w"), stderr=subprocess.STDOUT)
        finished: dict[str, float] = {}
        timer = threading.Thread(target=lambda: (importer.wait(), finished.setdefault("import", time.perf_counter())))
        timer.start()
        pool = [threading.Thread(target=writer, args=(i, port, seed["keys"][i], seed["firms"][i % hot],
                                                      seed["reports"][i % hot], updates, tally))
                for i in range(writers)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        writers_seconds = time.perf_counter() - started
        timer.join(timeout=600)
        import_seconds = finished["import"] - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    out = import_log.read_text(encoding="utf-8")
    server_err = server_log.read_text(encoding="utf-8")
    stored = json.loads(python(COUNT, json.dumps(seed["reports"]), env=env))
    lost = {rid: 1 + tally.acknowledged.get(rid, 0) - stored["workers"][str(rid)] for rid in seed["reports"]}
    all_latencies = [s for values in tally.latencies.values() for s in values]
    return {
        "database": "postgresql" if database and database.startswith("postgres") else "sqlite-wal",
        "writers": writers, "updates_per_writer": updates, "hot_reports": hot, "server_threads": threads,
        "requests": len(all_latencies), "statuses": dict(sorted(tally.statuses.items())),
        "conflicts_412": tally.conflicts, "busy_503": tally.busy, "posted": tally.posted,
        "posted_stored": stored["posted"], "lost_updates": sum(lost.values()),
        "acknowledged_patches": sum(tally.acknowledged.values()),
        "import_rows": import_rows, "import_stored": stored["imported"], "import_exit": importer.returncode,
        "import_output": out.strip().splitlines()[-1:], "import_log": out.strip()[-500:],
        "writers_seconds": round(writers_seconds, 2), "import_seconds": round(import_seconds, 2),
        "latency_ms": {method: {f"p{q}": round(1000 * percentile(values, q), 1) for q in (50, 95, 99)}
                       for method, values in {**tally.latencies, "all": all_latencies}.items()},
        "failures": tally.failures[:20], "server_log_locked": "database is locked" in server_err,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--updates", type=int, default=10, help="acknowledged PATCHes each writer makes")
    parser.add_argument("--hot", type=int, default=5, help="reports the writers share (collisions)")
    parser.add_argument("--import-rows", type=int, default=20_000)
    parser.add_argument("--threads", type=int, default=8, help="waitress worker threads")
    parser.add_argument("--batch-size", type=int, default=None, help="rows per import transaction")
    parser.add_argument("--database", default=None, help="database URL (default: SQLite in a temporary folder)")
    parser.add_argument("--reset-postgres", action="store_true", help="empty the PostgreSQL database's schema first")
    args = parser.parse_args()
    if args.reset_postgres and args.database:
        reset_postgres(args.database)
    print(json.dumps(run(args.writers, args.updates, args.hot, args.import_rows, args.database,
                         threads=args.threads, batch_size=args.batch_size), indent=1))


if __name__ == "__main__":
    main()
