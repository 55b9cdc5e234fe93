"""Role-matrix rows of the API (format: tests/roles/test_role_matrix.py). Records are scoped by
``visible_to(user)``: outside the scope a record is a 404; writes need the role's model
permissions (403 without them). A PATCH sends a stale version, so a caller who may change the
record meets 412 (no lost update) and one who may not see it 404."""

ANON = {"anonymous": "login"}
PUBLIC = {"*": 200}
SEES_E1 = {"owner": 200, "other_owner": 404, "officer": 200, "other_officer": 404, "analyst": 200, "admin": 200}
SEES_E2 = {"owner": 404, "other_owner": 200, "officer": 404, "other_officer": 200, "analyst": 404, "admin": 200}
STALE = {"version": "stale"}

ROWS = [
    ("GET", "api:schema", None, PUBLIC),
    ("GET", "api:docs", None, PUBLIC),
    ("GET", "api:indicators", None, {"*": 400}),  # no indicator asked
    ("GET", "api:catalogue", None, PUBLIC),
    ("GET", "api:catalogue-detail", "api_indicator", PUBLIC),
    ("GET", "api:regions", None, PUBLIC),
    ("GET", "api:region-detail", "region_a", PUBLIC),
    ("GET", "api:kbli", None, PUBLIC),
    ("GET", "api:kbli-detail", "kbli_code", PUBLIC),
    ("GET", "api:regimes", None, PUBLIC),
    ("GET", "api:regime-detail", "regime", PUBLIC),
    ("GET", "api:classify", None, PUBLIC),
    ("GET", "api:published", None, PUBLIC),
    ("GET", "/api/no-such-endpoint/", None, {"*": 404}),
    # Records.
    ("GET", "api:enterprise-list", None, {**ANON, "*": "scoped"}),
    ("GET", "api:enterprise-detail", "e1", {**ANON, **SEES_E1}),
    ("GET", "api:enterprise-detail", "e2", {**ANON, **SEES_E2}),
    # Owners hold add_enterprise (self-registration, lumbung.owners): an empty body is refused (400)
    # before the scope check, which refuses their region outside any scope (403).
    ("POST", "api:enterprise-list", None, {**ANON, "owner": 400, "other_owner": 400, "officer": 400,
                                           "other_officer": 400, "analyst": 403, "admin": 400}),
    ("PATCH", "api:enterprise-detail", "e1", {**ANON, "owner": 412, "other_owner": 404, "officer": 412,
                                               "other_officer": 404, "analyst": 403, "admin": 412}, STALE),
    ("DELETE", "api:enterprise-detail", "e1", {**ANON, "owner": 403, "other_owner": 403, "officer": 403,
                                                "other_officer": 403, "analyst": 403, "admin": 405}),
    ("GET", "api:report-list", None, {**ANON, "*": "scoped"}),
    ("GET", "api:report-detail", "r1", {**ANON, **SEES_E1}),
    ("GET", "api:report-detail", "r2", {**ANON, **SEES_E2}),
    ("POST", "api:report-list", None, {**ANON, "owner": 400, "other_owner": 400, "officer": 400,
                                       "other_officer": 400, "analyst": 403, "admin": 400}),
    ("PATCH", "api:report-detail", "r1", {**ANON, "owner": 412, "other_owner": 404, "officer": 412,
                                           "other_officer": 404, "analyst": 403, "admin": 412}, STALE),
    # Tokens: a user lists and revokes their own, never another's.
    ("POST", "api:token", None, {"*": 400}),  # no user name and password
    ("GET", "api:token-list", None, {**ANON, "*": "scoped"}),
    ("GET", "api:token-detail", "token_self", {**ANON, "*": 200}),
    ("GET", "api:token-detail", "token_other", {**ANON, "*": 404}),
    ("DELETE", "api:token-detail", "token_self", {**ANON, "*": 204}),
    ("DELETE", "api:token-detail", "token_other", {**ANON, "*": 404}),
]
