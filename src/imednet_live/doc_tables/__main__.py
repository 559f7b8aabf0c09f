"""``python -m imednet_live.doc_tables [--check] [ROOT]``: regenerate the docs' fact tables.

Without ``--check`` every stale block is rewritten (exit 0). With ``--check`` nothing is
written and each stale table is named with its difference (exit 1). A malformed or
unknown block is one line and exit 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from imednet_live.doc_tables.blocks import DocBlockError, check, sync
from imednet_live.doc_tables.tables import TABLES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m imednet_live.doc_tables", description=__doc__)
    parser.add_argument("root", nargs="?", default=".", type=Path, help="the repository root")
    parser.add_argument("--check", action="store_true", help="report stale tables, write nothing")
    args = parser.parse_args(argv)
    try:
        drifts = check(args.root, TABLES) if args.check else sync(args.root, TABLES)
    except DocBlockError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for drift in drifts:
        if args.check:
            print(drift.describe())
        else:
            print(f"rewrote {drift.document}: table {drift.table}")
    if args.check and drifts:
        print(f"{len(drifts)} generated table(s) are stale; run: nox -s docs", file=sys.stderr)
        return 1
    if not drifts:
        print("generated tables are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
