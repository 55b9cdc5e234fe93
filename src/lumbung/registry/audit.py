"""Audit trail: every create, change and delete of an enterprise or report (filled in by the registry work)."""
