"""What a session runs against (live API, sandbox or replay), and starting the sandbox for it."""
