import pytest


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Django's default hasher is slow on purpose (about 0.3 s a check); these tests are about the async
    login flow, not the hash, so they use the fast one Django's testing docs suggest."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
