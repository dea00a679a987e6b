"""The benchmark harness behind ``benchmarks/run.py``: repositories, processes, floors, stages, the report."""
