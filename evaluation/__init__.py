"""What the tests and the benchmarks share beyond the app: local server processes, drawings that are not digits.

``tests/`` and ``benchmarks/`` import the app and this package, never each other (a test of a benchmark's own
behaviour imports that benchmark).
"""
