"""The gateway's aggregates: pure folds of their events and the rules that decide new ones."""
