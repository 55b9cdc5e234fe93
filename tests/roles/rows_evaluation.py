# The evaluation page of a program. Needs the kwargs factory "program_kur" ({"slug": "kur"}, a Program
# row with that slug; with no enrolments the page shows one sentence and answers 200).
# Owners are refused (403); anonymous users go to the login page.
ROWS = [
    ("GET", "evaluation:program_evaluation", "program_kur", {"anonymous": "login", "owner": 403, "other_owner": 403,
                                                             "officer": 200, "other_officer": 200, "analyst": 200,
                                                             "admin": 200}),
]
