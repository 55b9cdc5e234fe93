"""Portal views, one module per page family: overview (and province pages), maps, explorer,
catalogue, reference, and records (signed-in)."""
