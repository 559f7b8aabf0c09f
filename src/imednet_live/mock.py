"""The old path of ``imednet_live.sandbox.mock``, kept for one release.

Import from ``imednet_live.sandbox.mock`` instead; this module will be removed in 0.3.
"""

from imednet_live.sandbox.mock import *  # noqa: F403
from imednet_live.sandbox.mock import __all__ as __all__
