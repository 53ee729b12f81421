"""Middleware and async: count a project's thread hops, and the middleware changes that remove them."""
