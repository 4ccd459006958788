"""The resume parser as it was before issue 9 (git 9ad94e4), frozen as the evaluation baseline.

These modules are copies of `services/resume/jobtrail/resume/*.py` at that commit with only
their imports pointed here (and the JSON Resume validator re-export dropped); never edit
them, so the baseline's figures stay comparable run after run.
"""
