"""The ground floor: one home per shared fact, standard library only, importing nothing above it.

Environment variables (``env_vars``, ``env_schema``) and the typed settings read from them
(``settings``); the API's paths and auth headers; secret redaction; atomic files; the
profiles; the charter's skip categories, job states and status folding.
"""
