"""Constants of the API tests (a uniquely named module: test folders have no __init__)."""

#: Made-up personal data of the owner of firm A: must never appear outside that owner's view.
NIK = "3204011203850001"
NIK_MIDDLE = "01120385"
PHONE = "081234567890"
ADDRESS = "Jl. Melati Indah No. 17, RT 03/RW 05, Kampung Cibiru"
PASSWORD = "pw-Test-4821!"
