"""What the noxfile runs: the target, a session's venv, its sandbox process and environment.

``target`` decides live API, sandbox or replay; ``install`` fills a profile's venv (and
skips an unchanged one); ``session_env`` gives a session's commands their environment and
sandbox; ``workers`` chooses xdist workers; ``sessions`` holds the longer session bodies.
Every helper takes the checkout as a parameter: nothing here imports the noxfile.
"""
