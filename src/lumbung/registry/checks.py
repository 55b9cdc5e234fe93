"""System checks for configuration problems (filled in by the registry work)."""
