"""``python -m imednet_live.recording.compare RECORDED REPLAYED``: same outcome for every test?

Pure standard library. Compares ``<session>/outcomes.json`` of the recorded run with the
replay's, test by test; exit 1 lists each test whose outcome differs (or that is missing).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path


def outcomes(root: Path) -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    for path in sorted(root.glob("*/outcomes.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for test in data.get("tests", []):
            found[(path.parent.name, str(test.get("nodeid")))] = str(test.get("outcome"))
    return found


def differences(recorded: Path, replayed: Path) -> list[str]:
    before, after = outcomes(recorded), outcomes(replayed)
    sessions = {session for session, _ in after}
    return [
        f"{session} {nodeid}: recorded {outcome}, replayed {after.get((session, nodeid), 'absent')}"
        for (session, nodeid), outcome in sorted(before.items())
        if session in sessions and after.get((session, nodeid)) != outcome
    ]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print("usage: python -m imednet_live.recording.compare RECORDED REPLAYED", file=sys.stderr)
        return 2
    recorded, replayed = Path(args[0]), Path(args[1])
    diffs = differences(recorded, replayed)
    compared = len({s for s, _ in outcomes(replayed)})
    for line in diffs:
        print(line)
    if not compared:
        print(f"compare: no replayed outcomes under {replayed}", file=sys.stderr)
        return 2
    print(f"compare: {compared} session(s), {len(diffs)} test(s) with a different outcome")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
