"""REST endpoints of the network: /api/linkages/, /api/memberships/, /api/sentra/, /api/cooperatives/."""
