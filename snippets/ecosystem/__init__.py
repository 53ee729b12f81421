"""Fixes for third-party packages that cost thread hops on the async path (the Ecosystem page)."""
