"""The Live Test Charter, enforced: the live suite's pytest plugin, its hooks and parts.

Each module has one job and none imports pytest except where it must, so the
report (which reads what the plugin wrote) never drags the test runner along.
"""
