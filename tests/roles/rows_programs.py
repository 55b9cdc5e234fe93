"""Role-matrix rows of the programs app (/programs/ pages and /api/ programs endpoints); format in
the round's plan (tests/roles). Kwargs factories used: "e1", "e2" (enterprises), and these, which
the programs app needs from tests/roles/conftest.py:

- "program": ``{"slug": "kur"}`` after ``lumbung.programs.services.seed()`` (the seeded catalogue);
- "bank": ``{"bank": "Bank A"}`` with one ``BankCreditReport(bank="Bank A", year=2023,
  outstanding_credit=1000, small_business_credit=250)``;
- "enrolment_e1": ``{"pk": <id>}`` of ``Enrolment(program=kur, enterprise=E1, year=2023)``.
"""

_RECORD_E1 = {"anonymous": "login", "owner": 200, "other_owner": 404, "officer": 200, "other_officer": 404,
              "analyst": 200, "admin": 200}
_RECORD_E2 = {"anonymous": "login", "owner": 404, "other_owner": 200, "officer": 404, "other_officer": 200,
              "analyst": 404, "admin": 200}  # the analyst's grant is E1's province
_SIGNED_IN = {"anonymous": "login", "*": 200}

ROWS = [
    # pages
    ("GET", "programs:catalogue", None, {"*": 200}),
    ("GET", "programs:program", "program", {"*": 200}),
    ("GET", "programs:for_enterprise", "e1", _RECORD_E1),
    ("GET", "programs:for_enterprise", "e2", _RECORD_E2),
    ("GET", "programs:reach", "program", {"anonymous": "login", "owner": 403, "other_owner": 403, "officer": "scoped",
                                          "other_officer": "scoped", "analyst": 403, "admin": 200}),
    ("GET", "programs:enrolment_new", None, {"anonymous": "login", "owner": 403, "other_owner": 403, "officer": 200,
                                             "other_officer": 200, "analyst": 403, "admin": 200}),
    ("GET", "programs:banks", None, _SIGNED_IN),
    ("GET", "programs:bank_detail", "bank", _SIGNED_IN),
    ("GET", "programs:bank_report_new", None, {"anonymous": "login", "admin": 200, "*": 403}),
    # API
    ("GET", "programs_api:program-list", None, {"*": 200}),
    ("GET", "programs_api:program-detail", "program", {"*": 200}),
    ("GET", "programs_api:enrolment-list", None, {"anonymous": "login", "*": "scoped"}),
    ("GET", "programs_api:enrolment-detail", "enrolment_e1", _RECORD_E1),
    ("POST", "programs_api:enrolment-list", None, {"anonymous": "login", "owner": 403, "other_owner": 403,
                                                   "analyst": 403, "officer": 400, "other_officer": 400, "admin": 400}),
    ("GET", "programs_api:bank-report-list", None, _SIGNED_IN),
    ("GET", "programs_api:bank-report-detail", "bank_report", _SIGNED_IN),
]
