"""The package's version, read from its installed metadata: pyproject.toml is its one home."""

from __future__ import annotations

DISTRIBUTION = "imednet-live"


def package_version() -> str:
    """The installed distribution's version; a checkout run without installing has none."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "unknown (not installed: pip install -e . or a built wheel)"
