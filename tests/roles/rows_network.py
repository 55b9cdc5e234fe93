"""Role-matrix rows of lumbung.linkages (pages under /network/, endpoints under /api/).

Kwargs factories this file needs from tests/roles/conftest.py (besides "e1"):

- "sentra1": {"code": ...} of a Sentra in E1's province with E1 as a member;
- "coop1": {"code": ...} of a Cooperative in E1's province;
- "region_e1": {"code": E1's province code};
- "e1_to_e2": {"pk": E1.pk, "to": E2.pk} (the partner finder's contact form);
- "contact_to_e1": {"pk": ...} of a pending ContactRequest from E2 to E1;
- "link_e1": {"pk": ...} of a Linkage with E1 as the IKM and, as partner, a firm in E1's province.
"""

SCOPED_TO_E1 = {"anonymous": "login", "owner": 200, "other_owner": 404, "officer": 200, "other_officer": 404,
                "analyst": 200, "admin": 200}
# Changing E1's network needs the right to change E1 (owner, officer, admin); the analyst only reads.
CHANGE_E1 = {"anonymous": "login", "owner": 200, "other_owner": 404, "officer": 200, "other_officer": 404,
             "analyst": 404, "admin": 200}

ROWS = [
    ("GET", "network:home", None, {"*": 200}),
    ("GET", "network:sentra", "sentra1", {"*": 200}),
    ("GET", "network:cooperative", "coop1", {"*": 200}),
    ("GET", "network:region", "region_e1", {"*": 200}),
    ("GET", "network:enterprise", "e1", SCOPED_TO_E1),
    ("GET", "network:link_add", "e1", CHANGE_E1),
    ("GET", "network:membership_add", "e1", CHANGE_E1),
    ("GET", "network:partners", "e1", CHANGE_E1),
    # A message goes to a candidate of the finder or an enterprise the sender may see: E2 (another
    # province) is neither for E1's owner and officer (404); the admin sees it, and an empty message
    # is refused with a redirect back to the finder (302); others cannot send for E1 (404).
    ("POST", "network:contact", "e1_to_e2", {"anonymous": "login", "admin": 302, "*": 404}),
    ("GET", "network:contact", "e1_to_e2", {"anonymous": "login", "*": 405}),
    ("GET", "network:contacts", None, {"anonymous": "login", "*": 200}),
    # Only the owner of the receiving enterprise answers; without a decision: back to the list (302).
    ("POST", "network:answer", "contact_to_e1", {"anonymous": "login", "owner": 302, "*": 404}),
    ("GET", "api:linkage-list", None, {"anonymous": "login", "*": "scoped"}),
    ("GET", "api:linkage-detail", "link_e1", SCOPED_TO_E1),
    ("GET", "api:membership-list", None, {"anonymous": "login", "*": "scoped"}),
    ("GET", "api:membership-detail", "membership_e1", SCOPED_TO_E1),
    ("GET", "api:sentra-list", None, {"*": 200}),
    ("GET", "api:sentra-detail", "sentra1_pk", {"*": 200}),
    ("GET", "api:cooperative-list", None, {"*": 200}),
    ("GET", "api:cooperative-detail", "coop1_pk", {"*": 200}),
]

# The network in the officers' workspace (/workspace/network/, lumbung.linkages.workspace): the
# workspace permission (officer, admin; others 403), and the sentra, cooperative and membership of
# E1's province are a 404 for the officer of another province.
_WS = {"anonymous": "login", "owner": 403, "other_owner": 403, "analyst": 403, "officer": 200,
       "other_officer": 200, "admin": 200}
_WS_E1 = {**_WS, "other_officer": 404}
ROWS += [
    ("GET", "network_workspace:groups", None, _WS),
    ("GET", "network_workspace:sentra_add", None, _WS),
    ("GET", "network_workspace:sentra_edit", "sentra1_pk", _WS_E1),
    ("GET", "network_workspace:sentra_member_add", "sentra1_pk", _WS_E1),
    ("GET", "network_workspace:cooperative_add", None, _WS),
    ("GET", "network_workspace:cooperative_edit", "coop1_pk", _WS_E1),
    ("GET", "network_workspace:cooperative_member_add", "coop1_pk", _WS_E1),
    ("GET", "network_workspace:membership_edit", "membership_e1", _WS_E1),
]
