"""`make bench`: Jobtrail's performance figures beside their peers, measured in one run.

See shared/BENCHMARKS.md for the targets. `python -m benchmarks --help` for the options.
"""
