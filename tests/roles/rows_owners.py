"""Role-matrix rows of the owners' pages (lumbung.owners, /owner/). Format: PLAN "Role matrix".

Kwargs factories used: "e1" -> {"pk": E1.pk}; "e1_report" -> {"pk": E1.pk, "year": R1.year}
(R1 is E1's report). The owner pages need the permission registry.add_claim (owner role only):
other signed-in roles get 403; another owner's enterprise is a 404."""

_OWNER_AREA = {"anonymous": "login", "owner": 200, "other_owner": 200, "officer": 403, "other_officer": 403,
               "analyst": 403, "admin": 403}
_OWN_RECORD = {"anonymous": "login", "owner": 200, "other_owner": 404, "officer": 403, "other_officer": 403,
               "analyst": 403, "admin": 403}

ROWS = [
    ("GET", "owners:register", None, {"anonymous": 200, "*": 302}),
    ("GET", "owners:home", None, _OWNER_AREA),
    ("GET", "owners:claim", None, _OWNER_AREA),
    ("GET", "owners:enterprise_new", None, _OWNER_AREA),
    ("GET", "owners:enterprise", "e1", _OWN_RECORD),
    ("GET", "owners:profile", "e1", _OWN_RECORD),
    ("GET", "owners:report_new", "e1", _OWN_RECORD),
    ("GET", "owners:report", "e1_report", _OWN_RECORD),
    ("GET", "owners:report_edit", "e1_report", _OWN_RECORD),
    ("GET", "owners:benchmark", "e1", _OWN_RECORD),
]
