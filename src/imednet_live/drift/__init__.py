"""API drift: what recorded responses hold that the spec, the SDK's models or our baseline
did not expect. ``observe`` turns traffic into shapes, ``sources`` holds the three
expectations, ``findings`` compares, ``report`` writes drift.json and drift.md."""
