"""The work a "stock" endpoint does, as a plain function: the view and any caller inside the project use it."""
import time


def stock_levels() -> dict[str, int]:
    time.sleep(0.05)  # stands in for a query or two
    return {"apples": 12, "pears": 3}
