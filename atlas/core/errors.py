"""The one error a loader raises for bad data."""


class DataError(ValueError):
    """Bad data in a docs/data file."""
