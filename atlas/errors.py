class DataError(ValueError):
    """Bad data in a docs/data file."""
