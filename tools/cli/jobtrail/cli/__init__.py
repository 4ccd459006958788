"""`jobtrail`: the operator's command line."""
