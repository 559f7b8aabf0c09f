"""imednet-live: the live-test matrix for the imednet SDK, and the sandbox any project can use.

``mock_imednet`` (standard library only until a block starts) points the ``IMEDNET_*``
environment at a sandbox; the ``imednet_sandbox`` pytest fixtures come from the entry-point
plugin ``imednet_live.sandbox.pytest_plugin``.
"""

from imednet_live.sandbox.mock import MockImednet, mock_imednet

__all__ = ["MockImednet", "mock_imednet"]
__version__ = "0.1.0"
