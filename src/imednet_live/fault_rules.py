"""The old path of ``imednet_live.sandbox.fault_rules``, kept for one release.

Import from ``imednet_live.sandbox.fault_rules`` instead; this module will be removed in 0.3.
"""

from imednet_live.sandbox.fault_rules import *  # noqa: F403
from imednet_live.sandbox.fault_rules import __all__ as __all__
