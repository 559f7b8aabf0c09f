"""The old path of ``imednet_live.sandbox.pytest_plugin``, kept for one release.

Import from ``imednet_live.sandbox.pytest_plugin`` instead; this module will be removed in 0.3.
"""

from imednet_live.sandbox.pytest_plugin import *  # noqa: F403
from imednet_live.sandbox.pytest_plugin import __all__ as __all__
