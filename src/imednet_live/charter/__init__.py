"""The Live Test Charter, enforced: the pieces the pytest plugin is built from.

Each module has one job and none imports pytest except where it must, so the
report (which reads what the plugin wrote) never drags the test runner along.
"""
