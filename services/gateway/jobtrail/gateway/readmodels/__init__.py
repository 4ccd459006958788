"""Read models: tables written only by projectors from events, rebuilt by replay."""
