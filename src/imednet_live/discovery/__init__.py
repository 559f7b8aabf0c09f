"""The charter's discovery rules, and the file that shares their results across processes."""
