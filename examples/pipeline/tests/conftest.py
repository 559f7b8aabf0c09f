"""Nothing to set up: the imednet_sandbox fixtures come from imednet-live's pytest plugin."""
