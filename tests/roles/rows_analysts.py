"""Role-matrix rows of the analysts' pages (/analyst/; format: tests/roles/test_role_matrix.py).
Only a user with an analyst grant (here: province A with records) or an administrator gets in;
other signed-in users get 403, anonymous visitors the login page. Saved views and lab runs are
their user's: another's is a 404 ("lab1": the analyst's finished run of KUR with a comparison.csv,
"lab2": the administrator's)."""

NOT_ANALYST = {"anonymous": "login", "owner": 403, "other_owner": 403, "officer": 403, "other_officer": 403}

ROWS = [
    ("GET", "analysts:explorer", None, {**NOT_ANALYST, "analyst": "scoped", "admin": "scoped"}),
    ("GET", "analysts:explorer_csv", None, {**NOT_ANALYST, "analyst": 400, "admin": 400}),  # nothing asked
    ("GET", "analysts:explorer_xlsx", None, {**NOT_ANALYST, "analyst": 400, "admin": 400}),
    ("GET", "analysts:views", None, {**NOT_ANALYST, "analyst": 200, "admin": 200}),
    ("POST", "analysts:views", None, {**NOT_ANALYST, "analyst": 302, "admin": 302},
     {"name": "Matrix view", "query": "indicator=firms"}),
    ("POST", "analysts:views", None, {**NOT_ANALYST, "analyst": 400, "admin": 400}, {"name": ""}),
    ("GET", "analysts:view_open", "view_self", {**NOT_ANALYST, "analyst": 302, "admin": 302}),
    ("GET", "analysts:view_open", "view_other", {**NOT_ANALYST, "analyst": 404, "admin": 404}),
    ("GET", "analysts:view_rename", "view_self", {"*": 405}),
    ("POST", "analysts:view_rename", "view_self", {**NOT_ANALYST, "analyst": 302, "admin": 302}, {"name": "Baru"}),
    ("POST", "analysts:view_rename", "view_other", {**NOT_ANALYST, "analyst": 404, "admin": 404}, {"name": "Baru"}),
    ("POST", "analysts:view_delete", "view_self", {**NOT_ANALYST, "analyst": 302, "admin": 302}),
    ("POST", "analysts:view_delete", "view_other", {**NOT_ANALYST, "analyst": 404, "admin": 404}),
    ("GET", "analysts:records", None, {**NOT_ANALYST, "analyst": "scoped", "admin": "scoped"}),
    # the policy lab (issue 12 point 7): a run is queued (302 to its page) or refused with the reason (400)
    ("GET", "analysts:lab", None, {**NOT_ANALYST, "analyst": 200, "admin": 200}),
    ("POST", "analysts:lab", None, {**NOT_ANALYST, "analyst": 302, "admin": 302},
     {"source": "scenario", "scenario": "credit", "firms": "100", "runs": "1", "years": "1", "seed": "0"}),
    ("POST", "analysts:lab", None, {**NOT_ANALYST, "analyst": 302, "admin": 302},
     {"source": "program", "program": "kur", "firms": "100", "runs": "1", "years": "2", "seed": "0"}),
    ("POST", "analysts:lab", None, {**NOT_ANALYST, "analyst": 400, "admin": 400},
     {"source": "scenario", "scenario": "credit", "firms": "50000", "runs": "20", "years": "1", "seed": "0"}),
    ("GET", "analysts:lab_job", "lab1", {**NOT_ANALYST, "analyst": 200, "admin": 404}),
    ("GET", "analysts:lab_job", "lab2", {**NOT_ANALYST, "analyst": 404, "admin": 200}),
    ("GET", "analysts:lab_file", "lab1_file", {**NOT_ANALYST, "analyst": 200, "admin": 404}),
    ("GET", "analysts:lab_file", "lab1_no_file", {**NOT_ANALYST, "analyst": 404, "admin": 404}),
]
