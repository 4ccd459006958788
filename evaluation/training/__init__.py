"""Training code for the models the services ship (rebuilt deterministically)."""
