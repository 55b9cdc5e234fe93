"""Issue 10.12: Locust load on the public portal and the API (20 clients, 60 s on loopback).

    lumbung demo --firms N && lumbung analytics build         # data and analytics tables
    LUMBUNG_API_ANON_RATE=1000000/min lumbung serve --port 8000 --threads 8
    locust -f benchmarks/locustfile_portal.py --headless -u 20 -r 20 -t 60s \\
        --host http://127.0.0.1:8000 --csv /tmp/portal-load

The anonymous API throttle must be raised for the run (every client comes from one address).
Each client requests, with no pause (``PORTAL_WAIT=0.5,1.5`` sets a think time between 0.5 and
1.5 s instead: another load, labelled as such in BENCHMARKS.md), the overview, the map, a province page, an explorer view
and API indicator queries; Locust's CSV files give p50, p95, p99 and errors per request name.
Paths are those of the portal (issue 10); a page that answers 404 counts as an error. Where the
portal pages are not there yet, ``--exclude-tags issue10-pages`` leaves out map, province and
explorer.
"""

from __future__ import annotations

import os
import random

from locust import between, constant, tag, task
from locust.contrib.fasthttp import FastHttpUser

PROVINCES = ("11", "12", "31", "32", "33", "34", "35", "51", "63", "73")
YEARS = ("2021", "2022", "2023")
API_BY = ("province", "province,size_class", "kbli_section", "size_class")


def _wait():
    low, _, high = os.environ.get("PORTAL_WAIT", "0").partition(",")
    return between(float(low), float(high)) if high else constant(float(low))


class PublicVisitor(FastHttpUser):
    """FastHttpUser (geventhttpclient) rather than HttpUser (requests): the client spends several
    times less CPU per request, which on a two-core machine is CPU the server gets."""

    wait_time = _wait()

    @task(3)
    def overview(self):
        self.client.get(f"/?year={random.choice(YEARS)}", name="overview")

    @tag("issue10-pages")
    @task(2)
    def province_map(self):
        self.client.get(f"/map/?indicator=firms&year={random.choice(YEARS)}", name="map")

    @tag("issue10-pages")
    @task(2)
    def province(self):
        self.client.get(f"/provinces/{random.choice(PROVINCES)}/", name="province")

    @tag("issue10-pages")
    @task(2)
    def explorer(self):
        self.client.get("/explorer/?indicator=firms,workers&by=province,size_class"
                        f"&year={random.choice(YEARS)}", name="explorer")

    @tag("api")
    @task(3)
    def api_indicators(self):
        by = random.choice(API_BY)
        self.client.get(f"/api/indicators/?indicator=firms,workers,sales&by={by}&year={random.choice(YEARS)}",
                        name="api indicators")

    @tag("api")
    @task(1)
    def api_catalogue(self):
        self.client.get("/api/catalogue/", name="api catalogue")
