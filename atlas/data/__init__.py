"""Each data file's loading and rules, and the validation layer that runs every check."""
