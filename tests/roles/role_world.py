"""The role matrix's world (built by the ``world`` fixture of conftest.py): two enterprises in two provinces, their reports, and one user per role.

- E1 "Matrix Satu" in province A (32, at 32.04.01), owned by ``owner``; report r1 (2023).
- E2 "Matrix Dua" in province B (35, at 35.29.01), owned by ``other_owner``; report r2 (2023).
- ``officer``: RegionScope 32; ``other_officer``: RegionScope 35; ``analyst``: AnalystGrant 32 with
  record-level lists; ``admin``. Each signed-in role has one API token (``token_self``) and one
  saved explorer view (``view_self``). Users have no password (no hashing: the tests log in with
  ``force_login`` and the API with the token).

Kwargs factories (the third element of a row) take the world and the requesting role and give the
URL's kwargs: see FACTORIES.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("anonymous", "owner", "other_owner", "officer", "other_officer", "analyst", "admin")
#: Whose object a role's "_other" factory names (someone else's token or saved view).
OTHER = {"anonymous": "owner", "owner": "admin", "other_owner": "admin", "officer": "admin",
         "other_officer": "admin", "analyst": "admin", "admin": "analyst"}


@dataclass
class World:
    e1: object
    e2: object
    r1: object
    r2: object
    users: dict = field(default_factory=dict)  # role -> User (no "anonymous")
    keys: dict = field(default_factory=dict)  # role -> API token key
    tokens: dict = field(default_factory=dict)  # role -> Token
    views: dict = field(default_factory=dict)  # role -> SavedView
    extra: dict = field(default_factory=dict)  # factory name -> object of the other apps (network, programs, jobs)

    def user(self, role):
        return self.users.get(role)

    def own(self, role: str) -> str:
        """The role whose objects are "self" for ``role`` (anonymous has none: the owner's)."""
        return role if role in self.users else "owner"


def _pk(obj) -> dict:
    return {"pk": obj.pk}


#: name -> function(world, role) -> URL kwargs
FACTORIES = {
    "e1": lambda w, role: _pk(w.e1),
    "e2": lambda w, role: _pk(w.e2),
    "r1": lambda w, role: _pk(w.r1),
    "r2": lambda w, role: _pk(w.r2),
    "user_self": lambda w, role: _pk(w.users[w.own(role)]),
    "user_other": lambda w, role: _pk(w.users[OTHER[role]]),
    "token_self": lambda w, role: _pk(w.tokens[w.own(role)]),
    "token_other": lambda w, role: _pk(w.tokens[OTHER[role]]),
    "view_self": lambda w, role: _pk(w.views[w.own(role)]),
    "view_other": lambda w, role: _pk(w.views[OTHER[role]]),
    "province_a": lambda w, role: {"code": "32"},
    "region_a": lambda w, role: {"code": "32.04"},
    "kbli_section": lambda w, role: {"code": "C"},
    "kbli_code": lambda w, role: {"code": "10792"},
    "indicator": lambda w, role: {"ident": "firms"},
    "api_indicator": lambda w, role: {"indicator_id": "firms"},
    "regime": lambda w, role: {"regime_id": "bps-workers"},
    "reset_link": lambda w, role: {"uidb64": "MQ", "token": "set-password"},
    "e1_report": lambda w, role: {"pk": w.e1.pk, "year": w.r1.year},
    "e1_to_e2": lambda w, role: {"pk": w.e1.pk, "to": w.e2.pk},
    "region_e1": lambda w, role: {"code": "32"},
    "sentra1": lambda w, role: {"code": w.extra["sentra1"].code},
    "coop1": lambda w, role: {"code": w.extra["coop1"].code},
    "link_e1": lambda w, role: _pk(w.extra["link_e1"]),
    "contact_to_e1": lambda w, role: _pk(w.extra["contact_to_e1"]),
    "program": lambda w, role: {"slug": "kur"},
    "program_kur": lambda w, role: {"slug": "kur"},
    "bank": lambda w, role: {"bank": "Bank A"},
    "enrolment_e1": lambda w, role: _pk(w.extra["enrolment_e1"]),
    "job1": lambda w, role: _pk(w.extra["job1"]),
    "job2": lambda w, role: _pk(w.extra["job2"]),
    "lab1": lambda w, role: _pk(w.extra["lab1"]),
    "lab2": lambda w, role: _pk(w.extra["lab2"]),
    "lab1_file": lambda w, role: {"pk": w.extra["lab1"].pk, "name": "comparison.csv"},
    "lab1_no_file": lambda w, role: {"pk": w.extra["lab1"].pk, "name": "summary.csv"},
    "claim1": lambda w, role: _pk(w.extra["claim1"]),
    "membership_e1": lambda w, role: _pk(w.extra["membership_e1"]),
    "sentra1_pk": lambda w, role: _pk(w.extra["sentra1"]),
    "coop1_pk": lambda w, role: _pk(w.extra["coop1"]),
    "bank_report": lambda w, role: _pk(w.extra["bank_report"]),
}
