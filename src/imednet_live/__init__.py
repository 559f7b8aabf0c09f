"""imednet-live: the live-test matrix for the imednet SDK, and the sandbox any project can use.

``mock_imednet`` (standard library only until a block starts) points the ``IMEDNET_*``
environment at a sandbox; the ``imednet_sandbox`` pytest fixtures come from the entry-point
plugin ``imednet_live.pytest_sandbox``.
"""

from imednet_live.mock import MockImednet, mock_imednet

__all__ = ["MockImednet", "__version__", "mock_imednet"]


def __getattr__(name: str) -> str:
    """``__version__`` from the package metadata, read when asked (one version source)."""
    if name == "__version__":
        from imednet_live.version import package_version

        return package_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
