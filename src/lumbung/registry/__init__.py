"""Enterprise registry (Django app). ``fields`` is pure Python and safe to import anywhere."""
