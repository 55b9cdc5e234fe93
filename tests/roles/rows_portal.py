"""Role-matrix rows of the public portal, the records pages, accounts and the language switch
(format: tests/roles/test_role_matrix.py). Without analytics tables the figure pages answer their
"no figures yet" page (200); the pages themselves are tested with figures in tests/portal."""

# Records: E1 for its owner, the officer of province A, the analyst granted A with records, admin.
E1 = {"anonymous": "login", "owner": 200, "other_owner": 404, "officer": 200, "other_officer": 404,
      "analyst": 200, "admin": 200}
E2 = {"anonymous": "login", "owner": 404, "other_owner": 200, "officer": 404, "other_officer": 200,
      "analyst": 404, "admin": 200}
SIGNED_IN = {"anonymous": "login", "*": 200}

ROWS = [
    ("GET", "portal:home", None, {"*": "scoped"}),
    ("GET", "portal:map", None, {"*": "scoped"}),
    ("GET", "portal:province", "province_a", {"*": "scoped"}),
    ("GET", "portal:explorer", None, {"*": "scoped"}),
    ("GET", "portal:explorer_csv", None, {"*": 400}),  # nothing asked: nothing to download
    ("GET", "portal:explorer_xlsx", None, {"*": 400}),
    ("GET", "portal:catalogue", None, {"*": 200}),
    ("GET", "portal:indicator", "indicator", {"*": 200}),
    ("GET", "portal:regions", None, {"*": 200}),
    ("GET", "portal:region", "region_a", {"*": 200}),
    ("GET", "portal:kbli", None, {"*": 200}),
    ("GET", "portal:kbli_code", "kbli_section", {"*": 200}),
    ("GET", "portal:size_classes", None, {"*": 200}),
    ("GET", "portal:classify", None, {"*": 200}),
    ("GET", "portal:my_enterprises", None, {"anonymous": "login", "*": "scoped"}),
    ("GET", "portal:enterprise_detail", "e1", E1),
    ("GET", "portal:enterprise_detail", "e2", E2),
    ("GET", "portal:enterprise_json", "e1", E1),
    ("GET", "portal:enterprise_json", "e2", E2),
    ("POST", "set_language", None, {"*": 302}, {"language": "en", "next": "/"}),
    ("GET", "login", None, {"*": 200}),
    ("POST", "login", None, {"*": 200}, {"username": "nobody", "password": "wrong"}),
    ("GET", "logout", None, {"*": 405}),
    ("POST", "logout", None, {"*": 200}),  # the "logged out" page
    ("GET", "password_change", None, SIGNED_IN),
    ("GET", "password_change_done", None, SIGNED_IN),
    # The reset pages exist only when mail can be sent (LUMBUNG_EMAIL_URL; lumbung.security.mail):
    # the matrix runs without a mail server, so they are 404 for everyone.
    ("GET", "password_reset", None, {"*": 404}),
    ("GET", "password_reset_done", None, {"*": 404}),
    ("GET", "password_reset_confirm", "reset_link", {"*": 404}),
    ("GET", "password_reset_complete", None, {"*": 404}),
]
