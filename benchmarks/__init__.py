"""Scale and speed measurements, run on demand (`make bench`), never part of the test suite.

Each `bench_*.py` module has `main(argv) -> int` and runs alone with
`.venv/bin/python -m benchmarks.<module>`; `benchmarks.run_all` runs them all. What they build
(the national demo database, working copies) lives in benchmarks/out/, which git ignores.
"""
