"""startproject's MIDDLEWARE with the three header-only middleware replaced by their inline versions."""
MIDDLEWARE = [
    "snippets.stack.inline_hooks.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "snippets.stack.inline_hooks.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "snippets.stack.inline_hooks.XFrameOptionsMiddleware",
]
