"""Apply: ordering, bounded parallelism, test-then-commit, partial failure, interruption."""
