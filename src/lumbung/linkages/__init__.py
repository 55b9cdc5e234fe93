"""Linkages between enterprises, industrial centres (sentra), cooperatives and memberships, the
network indicators' source rows and the partner finder (issue 12; docs/network.md)."""
