"""The smoke gate behind scripts/post_smoke_record.py: the run, and the charter's reading
of its exits."""
