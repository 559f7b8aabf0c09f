"""Where recordings live and which format version they are in: one-line errors otherwise.

Pure standard library: the noxfile writes the manifest and checks replay input.
A recording is ``reports/<session>/recording/``: one cassette per process
(``<worker>-<pid>.json``, VCR.py's JSON format) and a ``manifest.json`` naming the
format version, so a replay never guesses at another version's files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from imednet_live.core.atomic_files import write_text_atomic

FORMAT_VERSION = 1
RECORDING_DIR_NAME = "recording"
MANIFEST = "manifest.json"
CASSETTE_GLOB = "*.cassette.json"


class RecordingError(ValueError):
    """A recording directory that cannot be used; the message is one line."""


@dataclass(frozen=True)
class Recording:
    """One session's recording, validated."""

    path: Path
    session: str
    cassettes: tuple[Path, ...]


def write_manifest(directory: Path, *, session: str, target_kind: str) -> Path:
    cassettes = sorted(p.name for p in directory.glob(CASSETTE_GLOB))
    manifest = {
        "format_version": FORMAT_VERSION,
        "session": session,
        "target_kind": target_kind,
        "cassettes": cassettes,
    }
    path = directory / MANIFEST
    write_text_atomic(path, json.dumps(manifest, indent=2) + "\n")
    return path


def read_recording(directory: Path) -> Recording:
    manifest_path = directory / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RecordingError(
            f"{directory} has no {MANIFEST}: not a recording (record with IMEDNET_LIVE_RECORD=1)"
        ) from None
    except (OSError, ValueError) as exc:
        raise RecordingError(f"{manifest_path} is unreadable: {exc}") from None
    version = manifest.get("format_version") if isinstance(manifest, dict) else None
    if version != FORMAT_VERSION:
        raise RecordingError(
            f"{directory} is recording format {version!r}, expected {FORMAT_VERSION}; "
            "record it again with this version of imednet-live"
        )
    cassettes = tuple(directory / name for name in manifest.get("cassettes", []))
    return Recording(directory, str(manifest.get("session") or directory.parent.name), cassettes)


def find_recordings(root: Path) -> list[Recording]:
    """Every recording under ``root`` (a reports dir, a session dir or a recording dir)."""
    if not root.exists():
        raise RecordingError(f"recording directory {root} does not exist; record a run first")
    if not root.is_dir():
        raise RecordingError(f"{root} is not a directory of recordings")
    if (root / MANIFEST).exists():
        candidates = [root]
    else:
        candidates = sorted({m.parent for m in root.glob(f"**/{RECORDING_DIR_NAME}/{MANIFEST}")})
        candidates += [root / RECORDING_DIR_NAME] if (root / RECORDING_DIR_NAME).is_dir() else []
    recordings = [read_recording(c) for c in dict.fromkeys(candidates)]
    if not any(r.cassettes for r in recordings):
        raise RecordingError(
            f"{root} holds no recorded traffic (expected <session>/{RECORDING_DIR_NAME}/"
            f"{MANIFEST} and cassettes; record with IMEDNET_LIVE_RECORD=1)"
        )
    return recordings
