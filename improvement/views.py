"""Staff pages of the improvement loop."""
