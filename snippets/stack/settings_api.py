"""MIDDLEWARE for an async JSON API with no logged-in pages, forms or flash messages: sessions, CSRF,
auth and messages dropped, the header-only middleware kept and run inline."""
MIDDLEWARE = [
    "snippets.stack.inline_hooks.SecurityMiddleware",
    "snippets.stack.inline_hooks.CommonMiddleware",
]
