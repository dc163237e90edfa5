"""Not a test package: a folder put on the hostile suite's child processes' PYTHONPATH."""
