"""Write the installed SDK build's public surface to src/imednet_live/sdk/surfaces/.

Run it with the interpreter of a venv holding the build (e.g. a session venv after
``IMEDNET_SDK=<wheel> nox -s smoke --install-only``); one JSON file per build version.
"""

from __future__ import annotations

import json

from imednet_live.sdk.surface_snapshot import SURFACES_DIR, take_installed


def main() -> None:
    snapshot = take_installed()
    path = SURFACES_DIR / f"imednet-{snapshot['version']}.json"
    path.write_text(json.dumps(snapshot, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
