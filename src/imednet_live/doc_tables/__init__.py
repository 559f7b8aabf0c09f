"""The docs' fact tables, rendered from the code's registries so the docs cannot drift.

``tables.py`` renders each table from its registry; ``blocks.py`` finds the
``<!-- generated:NAME -->`` ... ``<!-- /generated -->`` blocks in README.md and docs/*.md,
rewrites them, or reports which table differs and how. ``nox -s docs`` runs ``__main__``.
"""

from imednet_live.doc_tables.blocks import DOCUMENTS, DocBlockError, Drift, check, sync
from imednet_live.doc_tables.tables import TABLES

__all__ = ["DOCUMENTS", "TABLES", "DocBlockError", "Drift", "check", "sync"]
