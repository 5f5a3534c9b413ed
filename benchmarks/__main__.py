"""``python -m benchmarks``: run the harness (see ``benchmarks/run.py``)."""

from benchmarks.run import main

main()
