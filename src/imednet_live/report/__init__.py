"""The matrix report: every live session's outcomes.json merged into one grid.

``python -m imednet_live.report reports/`` writes ``reports/summary.md`` and
``reports/summary.html``. It only reports: the sessions themselves already failed
when they had to.
"""
