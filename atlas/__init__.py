"""Plain-Python logic behind the Django Async Atlas site: data loading, validation, rendering.

Nothing here imports MkDocs, so it can be tested on its own and reused if the site generator changes.
"""
