"""Scripts that run inside an old release's own interpreter: Python 3.8-safe, importing nothing from atlas."""
