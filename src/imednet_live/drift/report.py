"""drift.json and drift.md, written whole (atomic_files) next to the summary."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from imednet_live.core.atomic_files import write_text_atomic
from imednet_live.drift.findings import Finding

DRIFT_JSON = "drift.json"
DRIFT_MD = "drift.md"


def write(out: Path, findings: list[Finding], meta: dict[str, Any]) -> tuple[Path, Path]:
    data = {**meta, "findings": [f.model_dump(mode="json") for f in findings]}
    json_path, md_path = out / DRIFT_JSON, out / DRIFT_MD
    write_text_atomic(json_path, json.dumps(data, indent=2) + "\n")
    write_text_atomic(md_path, markdown(findings, meta))
    return json_path, md_path


def markdown(findings: list[Finding], meta: dict[str, Any]) -> str:
    kinds = Counter(str(f.kind) for f in findings)
    lines = [
        "# API drift",
        "",
        f"{meta['interactions']} recorded interactions from {len(meta['recordings'])} "
        f"recording(s); sources: {', '.join(meta['sources'])}.",
        "",
    ]
    if not findings:
        return "\n".join([*lines, "No drift: every response matched its expectations.", ""])
    lines.append(", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) + ".")
    lines += [
        "",
        "| kind | endpoint | path | expected | observed | source | count | first seen |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for f in findings:
        cells = [str(f.kind), f.endpoint, f"`{f.path}`", f.expected or "", f.observed or "",
                 f.source, str(f.count), f.first_interaction]  # fmt: skip
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join([*lines, ""])
