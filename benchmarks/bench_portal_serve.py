"""Issue 10.12 end to end: `lumbung serve` (waitress, production settings) on loopback over a data
folder with analytics built, single requests cold and warm, then Locust with 20 clients for 60 s
after every address the clients request has been asked for once (warm cache); with --cold-locust
also against fresh servers (cold cache): one started with --no-warm, one that warmed its cache
before serving (lumbung.portal.warm; the time it took to start is printed).

    nice -n -10 .venv/bin/python benchmarks/bench_portal_serve.py --home HOME [--seconds 60] [--users 20] \
        [--processes 2] [--threads 8] [--cold-locust] [--wait 0.5,1.5]

Run as root under ``nice -n -10`` (the server and Locust inherit it) on a shared machine, so other
jobs do not take the CPU the measurement needs; the load average is printed at each step.

HOME holds the analytics tables (benchmarks/bench_portal_build.py writes them for the 4.4-million-firm
population); the registry database is created there with `lumbung init` when missing. Baseline,
measured in the same run: a static file (/static/portal/lumbung.css, served by whitenoise before
Django's views), the floor of any request through this server. Locust's CSV files are kept in
HOME/locust-{warm,cold}_*.csv. Prints p50/p95/p99/errors per run and per request name, the load
average before and after each step.
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LUMBUNG = "import sys; from lumbung.cli import main; sys.exit(main())"
SINGLE = ("/static/portal/lumbung.css", "/?year=2023", "/map/?indicator=firms&year=2023", "/provinces/32/",
          "/explorer/?indicator=firms,workers&by=province,size_class&year=2023",
          "/api/indicators/?indicator=firms,workers,sales&by=province&year=2023", "/api/catalogue/")


def locust_paths() -> list[str]:
    """Every address benchmarks/locustfile_portal.py requests (its random choices, all of them)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import locustfile_portal as L  # noqa: PLC0415 - the Locust file's own lists

    paths = [f"/?year={y}" for y in L.YEARS] + [f"/map/?indicator=firms&year={y}" for y in L.YEARS]
    paths += [f"/provinces/{p}/" for p in L.PROVINCES]
    paths += [f"/explorer/?indicator=firms,workers&by=province,size_class&year={y}" for y in L.YEARS]
    paths += [f"/api/indicators/?indicator=firms,workers,sales&by={b}&year={y}" for b in L.API_BY for y in L.YEARS]
    return [*paths, "/api/catalogue/"]


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUMBUNG_") and k != "DJANGO_SETTINGS_MODULE"}
    key = home / "bench-secret"
    if not key.exists():
        key.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    env.update(LUMBUNG_HOME=str(home), LUMBUNG_DEBUG="0", LUMBUNG_SECRET_KEY=key.read_text(encoding="utf-8"),
               LUMBUNG_ALLOWED_HOSTS="127.0.0.1,localhost", LUMBUNG_SSL_REDIRECT="0",
               LUMBUNG_API_ANON_RATE="1000000/min", PYTHONPATH=str(ROOT / "src"))
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(home: Path, port: int, args, warm: bool = False) -> subprocess.Popen:
    log = open(home / "bench-serve.log", "a", encoding="utf-8")  # noqa: SIM115 - kept open for the server's life
    command = [sys.executable, "-c", LUMBUNG, "serve", "--port", str(port), "--threads", str(args.threads),
               "--processes", str(args.processes), "--warm" if warm else "--no-warm"]
    started = time.monotonic()
    server = subprocess.Popen(command, env=_env(home), stdout=log, stderr=log)
    deadline = started + 1800
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/static/portal/lumbung.css", timeout=5).read()
            print(f"server up ({args.processes} processes x {args.threads} threads, {'warm' if warm else 'no-warm'}) "
                  f"in {time.monotonic() - started:.1f} s", flush=True)
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("the server did not start: see bench-serve.log")


def _get_ms(url: str) -> tuple[int, float]:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=600) as response:
        response.read()
        status = response.status
    return status, (time.perf_counter() - start) * 1000


def _locust(port: int, users: int, seconds: int, prefix: Path, wait: str = "0") -> list[dict]:
    command = [str(Path(sys.executable).with_name("locust")), "-f", str(ROOT / "benchmarks" / "locustfile_portal.py"),
               "--headless", "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host", f"http://127.0.0.1:{port}",
               "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"]
    done = subprocess.run(command, check=False, capture_output=True, text=True, env={**os.environ, "PORTAL_WAIT": wait})
    if done.returncode not in (0, 1):  # 1: some requests failed (they are counted)
        print(done.stderr[-2000:])
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _print_stats(title: str, rows: list[dict]) -> None:
    print(f"{title}:")
    for row in rows:
        print(f"  {row['Name']:<16} n={int(row['Request Count']):>6} errors={int(row['Failure Count']):>4} "
              f"p50={row['50%']:>6} ms p95={row['95%']:>6} ms p99={row['99%']:>6} ms rps={float(row['Requests/s']):.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, type=Path)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads per process")
    parser.add_argument("--processes", type=int, default=2, help="server processes (lumbung serve --processes)")
    parser.add_argument("--wait", default="0", help="think time per client, LOW,HIGH seconds (default: none)")
    parser.add_argument("--cold-locust", action="store_true", help="also Locust on a fresh server (empty cache)")
    args = parser.parse_args()
    home = args.home.resolve()
    env = _env(home)
    subprocess.run([sys.executable, "-c", LUMBUNG, "init"], env=env, check=True, capture_output=True)
    print(f"load average at the start: {_load()}")

    # One server for the whole run: single requests cold (first after start) and warm, then every
    # address the Locust clients ask for once (filling the cache), then Locust on the warm cache.
    port = _free_port()
    server = _start(home, port, args)
    try:
        for path in SINGLE:
            status, cold = _get_ms(f"http://127.0.0.1:{port}{path}")
            warm = min(_get_ms(f"http://127.0.0.1:{port}{path}")[1] for _ in range(5))
            print(f"single {path:<70} status {status} cold {cold:9.1f} ms  warm (best of 5) {warm:7.1f} ms", flush=True)
        print(f"load average: {_load()}")
        started = time.perf_counter()
        filled = [_get_ms(f"http://127.0.0.1:{port}{path}")[1] for path in locust_paths()]
        print(f"cache filled: {len(filled)} addresses of the Locust run in {time.perf_counter() - started:.1f} s "
              f"(slowest {max(filled) / 1000:.1f} s, median {sorted(filled)[len(filled) // 2]:.0f} ms); load {_load()}",
              flush=True)
        # Each process has its own cache and the kernel picks the process of each connection: more
        # passes (a new connection per request), so that every process has answered every address.
        started = time.perf_counter()
        for _ in range(6 * (args.processes - 1)):
            again = [_get_ms(f"http://127.0.0.1:{port}{path}")[1] for path in locust_paths()]
        if args.processes > 1:
            print(f"{6 * (args.processes - 1)} more passes for the other processes in {time.perf_counter() - started:.1f} s "
                  f"(last pass: slowest {max(again):.0f} ms)", flush=True)
        print(f"load average before Locust: {_load()}", flush=True)
        warm = _locust(port, args.users, args.seconds, home / "locust-warm", args.wait)
        _print_stats(f"Locust, {args.users} clients, {args.seconds} s, wait {args.wait}, warm cache; load {_load()}",
                     warm)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if args.cold_locust:
        for warmed in (False, True):
            label = "fresh server that warmed its cache first" if warmed else "cold cache (fresh server, --no-warm)"
            port = _free_port()
            server = _start(home, port, args, warm=warmed)
            try:
                print(f"load average before Locust: {_load()}", flush=True)
                cold = _locust(port, args.users, args.seconds, home / f"locust-{'warmed' if warmed else 'cold'}",
                               args.wait)
                _print_stats(f"Locust, {args.users} clients, {args.seconds} s, {label}; load {_load()}", cold)
            finally:
                server.terminate()
                server.wait(timeout=30)
    total = {r["Name"]: r for r in warm}.get("Aggregated")
    if total and total["95%"] != "N/A":
        print(f"warm p95 {total['95%']} ms against the target of 100 ms: "
              f"{'met' if float(total['95%']) < 100 and int(total['Failure Count']) == 0 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
