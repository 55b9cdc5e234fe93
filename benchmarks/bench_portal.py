"""Public portal latency (issue 10.12, first part): the overview, the map, province pages and
explorer queries, requested by concurrent clients through Django's test client (in-process: the
WSGI stack without the network), cold (empty figure cache) and warm.

    .venv/bin/python benchmarks/bench_portal.py --home PATH   # a LUMBUNG_HOME with analytics built
    .venv/bin/python benchmarks/bench_portal.py               # the tests' analytics sample

What is cached, keyed by the analytics build version: every engine answer (lumbung.portal.figures),
page bodies and anonymous visitors' whole pages (lumbung.portal.pagecache); what is computed per
request on a hit: the version, the CSRF token and Django's middleware.
Prints p50, p95 and p99 in milliseconds and the error count. The issue's full benchmark (Locust on
loopback against `lumbung serve` with the 4.4-million-firm population) is bench_portal_serve.py.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("/", "/map/", "/map/?indicator=va_per_worker", "/provinces/32/", "/provinces/33/",
         "/explorer/?indicator=firms&indicator=output&by=province&by=size_class",
         "/explorer/?indicator=va_per_worker&by=kbli_division&by=year")


def _setup(home: str | None) -> None:
    if home is None:
        home = tempfile.mkdtemp(prefix="bench-portal-")
        sys.path.insert(0, str(ROOT / "tests" / "portal"))
        import analytics_sample  # noqa: PLC0415 - only without --home

        analytics_sample.write(Path(home))
    os.environ["LUMBUNG_HOME"] = home
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lumbung.settings")
    import django  # noqa: PLC0415 - after LUMBUNG_HOME is set

    django.setup()


def _run(clients: int, seconds: float) -> tuple[list[float], int]:
    from django.test import Client  # noqa: PLC0415 - after django.setup()

    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(offset: int) -> None:
        client = Client()
        i = offset
        while time.monotonic() < stop:
            start = time.perf_counter()
            status = client.get(PAGES[i % len(PAGES)]).status_code
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                times.append(elapsed)
                errors[0] += status != 200
            i += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, errors[0]


def _quantiles(times: list[float]) -> str:
    q = statistics.quantiles(times, n=100)
    return f"n={len(times)} p50={q[49]:.1f} ms p95={q[94]:.1f} ms p99={q[98]:.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", help="LUMBUNG_HOME with analytics tables (default: the tests' sample)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    _setup(args.home)
    from django.test import Client  # noqa: PLC0415 - after django.setup()

    from lumbung.portal import figures  # noqa: PLC0415 - after django.setup()

    figures.clear()
    client = Client()
    cold = []
    for page in PAGES:
        start = time.perf_counter()
        assert client.get(page).status_code == 200, page
        cold.append((page, (time.perf_counter() - start) * 1000))
    for page, ms in cold:
        print(f"cold {ms:8.1f} ms  {page}")
    times, errors = _run(args.clients, args.seconds)
    print(f"warm, {args.clients} clients, {args.seconds:.0f} s: {_quantiles(times)} errors={errors}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
