"""Smoke-test an iMednet environment's write path; exit 0 green, 1 red, 2 skip (docs/smoke.md)."""

from __future__ import annotations

import sys

from imednet_live.smoke.run import main

if __name__ == "__main__":
    sys.exit(main())
