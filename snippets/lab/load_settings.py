"""Settings of the lab's load-test site: one sync and one async view, no database, no middleware, so the
servers are compared on the same few lines of Django and nothing else."""
SECRET_KEY = "lab-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "snippets.lab.load_views"
DATABASES: dict = {}
USE_TZ = True
LOGGING_CONFIG = None
