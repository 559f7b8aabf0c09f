"""imednet-live: the live-test matrix for the imednet SDK."""

__version__ = "0.1.0"
