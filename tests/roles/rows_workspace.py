"""Role-matrix rows of the officers' workspace (/workspace/, namespace ``workspace``) and of the
import jobs API (/api/imports/). Format: PLAN "Role matrix"; roles and kwargs factories are the
analysts helper's (tests/roles/conftest.py).

Kwargs factories assumed here, besides "e1" / "e2" / "r1":
- "r2": a report of E2;
- "job1": an import job of the officer (E1's province), with an errors file;
- "job2": an import job of the other officer.
Enterprises and reports outside a role's scope are 404 (never 403, which would confirm they
exist); someone else's job is 404. The workspace needs the permission registry.use_workspace
(officer and admin roles): other signed-in roles get 403.
"""

_WS = {"anonymous": "login", "owner": 403, "other_owner": 403, "analyst": 403, "officer": 200,
       "other_officer": 200, "admin": 200}
_E1 = {**_WS, "other_officer": 404}
_E2 = {**_WS, "officer": 404}
_JOB1 = {**_WS, "other_officer": 404, "admin": 404}
_API_LIST = {"anonymous": "login", "*": "scoped"}
_API_JOB1 = {"anonymous": "login", "*": 404, "officer": 200}

ROWS = [
    ("GET", "workspace:home", None, _WS),
    ("GET", "workspace:enterprise_list", None, {**_WS, "officer": "scoped", "other_officer": "scoped"}),
    ("GET", "workspace:enterprise_add", None, _WS),
    ("GET", "workspace:enterprise_detail", "e1", _E1),
    ("GET", "workspace:enterprise_detail", "e2", _E2),
    ("GET", "workspace:enterprise_edit", "e1", _E1),
    ("GET", "workspace:enterprise_edit", "e2", _E2),
    ("GET", "workspace:report_add", "e1", _E1),
    ("GET", "workspace:report_list", None, {**_WS, "officer": "scoped", "other_officer": "scoped"}),
    ("GET", "workspace:report_edit", "r1", _E1),
    ("GET", "workspace:report_edit", "r2", _E2),
    ("GET", "workspace:upload", None, _WS),
    ("GET", "workspace:job_detail", "job1", _JOB1),
    ("GET", "workspace:job_status", "job1", _JOB1),
    ("GET", "workspace:job_errors", "job1", _JOB1),
    ("GET", "workspace:job_detail", "job2", {**_WS, "officer": 404, "admin": 404}),
    ("GET", "workspace:quality", None, {**_WS, "officer": "scoped", "other_officer": "scoped"}),
    ("GET", "workspace:export", None, _WS),
    # owners' claims: decided by an officer of the enterprise's region or an administrator
    ("GET", "workspace:claims", None, {**_WS, "officer": "scoped", "other_officer": "scoped"}),
    ("POST", "workspace:claim_decide", "claim1", {**_E1, "officer": 302, "admin": 302},
     {"decision": "reject", "reason": "not the owner"}),
    # the API of import jobs: a list of one's own jobs; an upload needs the workspace permission
    ("GET", "api:import-list", None, _API_LIST),
    ("GET", "api:import-detail", "job1", _API_JOB1),
    ("GET", "api:import-errors", "job1", _API_JOB1),
    ("POST", "api:import-list", None, {"anonymous": "login", "owner": 403, "other_owner": 403, "analyst": 403,
                                        "officer": 415, "other_officer": 415, "admin": 415}),  # JSON sent; uploads are multipart
]

# the officers' "Indicators of my region" (/workspace/indicators/, lumbung.analysts.region): the
# workspace permission and a region scope; an analyst's grant is not enough
_REGION = {**_WS, "analyst": 403}
ROWS += [
    ("GET", "region_indicators:explorer", None, {**_REGION, "officer": "scoped", "other_officer": "scoped",
                                                 "admin": "scoped"}),
    ("GET", "region_indicators:csv", None, {**_REGION, "officer": 400, "other_officer": 400, "admin": 400}),
    ("GET", "region_indicators:xlsx", None, {**_REGION, "officer": 400, "other_officer": 400, "admin": 400}),
]
