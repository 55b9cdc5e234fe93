"""A small registry for the portal tests, with counts worked out by hand below."""

NIK = "3273015507900003"
NIK_MASKED = "3273********0003"
NIK_MIDDLE = "01550790"

# (name, region, {year: workers}); size class by BPS workers on the LATEST year's report:
# micro 1-4, small 5-19, medium 20-99, large 100+ (BPS, cited by Kuncoro 2007).
FIRMS = [
    ("A", "32.04.01", {2021: 3, 2023: 25}),    # latest 2023: 25 -> medium (not micro from 2021)
    ("B", "32.73", {2022: 5}),                  # small (lower bound)
    ("C", "32.05", {2023: None}),               # workers missing -> unknown
    ("D", "31.71", {}),                         # no report -> unknown
    ("E", "31.71.01", {2020: 150}),             # large
    ("F", "31.74", {2022: 100, 2023: 4}),       # latest 2023: 4 -> micro (upper bound)
    ("G", "32.04", {2023: 1}),                  # micro (lower bound)
]
#: province -> (micro, small, medium, large, unknown)
EXPECTED = {"31": (1, 0, 0, 1, 1), "32": (1, 1, 1, 0, 1)}
EXPECTED_TOTALS = (2, 1, 1, 1, 2)
