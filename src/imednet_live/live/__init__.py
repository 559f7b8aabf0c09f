"""Helpers the live suite (tests/live) imports: write tags, validator-safe data, Airflow set-up."""
