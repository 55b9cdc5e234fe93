"""Constants shared by the registry tests (a uniquely named module: test folders have no __init__)."""

#: A well-formed, made-up NIK (region 32.04.01, born 12-03-1985, sequence 0001). Its middle
#: digits must never appear outside the owner's view.
NIK = "3204011203850001"
NIK_MASKED = "3204********0001"
NIK_MIDDLE = "01120385"
