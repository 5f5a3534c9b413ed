"""The performance harness: ``python -m benchmarks`` (``--quick`` for tiny sizes).

It measures ``decide`` on the bundled ``esi`` table in-process, the
baselines (a fresh clingo Control per case, a plain-Python evaluator of
complete cases, brute-force missing sets), how cost grows with table size and
with unknown facts, and the ``batch`` command's throughput, memory and the
cold start of the command line. It prints a table and writes JSON to
``benchmarks/out/``. Figures and how to read them: ``benchmarks/RESULTS.md``.
"""
