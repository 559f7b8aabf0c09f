"""Thin HTTP views over the backend, one module per resource family."""
