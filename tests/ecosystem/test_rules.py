"""The rules that find what a package plugs into (atlas/collect/ecosystem_rules.py), on code written here."""
from __future__ import annotations

from atlas.collect import ecosystem_rules as rules

FILES = {
    "pkg/middleware.py": "class PkgMiddleware:\n    pass\n\nclass _Hidden Middleware:\n    pass\n".replace(" Middleware", "Middleware")
    + "\ndef FactoryMiddleware(get_response):\n    return get_response\n",
    "pkg/templatetags/pkg_tags.py": "from django import template\nregister = template.Library()\n",
    "pkg/templatetags/__init__.py": "",
    "pkg/management/commands/pkg_cmd.py": "from django.core.management.base import BaseCommand\n",
    "pkg/cache.py": "from django.core.cache.backends.base import BaseCache\nclass PkgCache(BaseCache):\n    pass\n",
    "pkg/storage.py": "from django.core.files.storage import Storage\nclass S3ishStorage(Storage):\n    pass\n",
    "pkg/backends.py": "class PkgBackend:\n    def authenticate(self, request):\n        pass\n    def get_user(self, pk):\n        pass\n",
    "pkg/models/fields.py": "from django.db import models\nclass ColourField(models.CharField):\n    pass\n",
    "pkg/signals.py": "from django.dispatch import Signal\nsomething_happened = Signal()\n",
    "pkg/views.py": "from django.views import View\nclass PkgView(View):\n    async def get(self, request):\n        pass\n",
    "pkg/db/backends/pkgdb/base.py": "class DatabaseWrapper:\n    pass\n",
    "pkg/client.py": "class Client:\n    async def aget(self, key):\n        pass\n",
}


def test_each_rule_finds_its_kind():
    found = rules.plugs_into(FILES)
    assert set(found) == set(rules.KINDS)
    assert found["middleware"] == ["pkg.middleware.FactoryMiddleware", "pkg.middleware.PkgMiddleware"]
    assert found["template_tags"] == ["pkg/templatetags/pkg_tags.py"]
    assert found["cache"] == ["pkg/cache.py:PkgCache"]
    assert found["auth_backend"] == ["pkg/backends.py:PkgBackend"]


def test_code_with_none_of_them_plugs_into_nothing():
    assert rules.plugs_into({"lib/util.py": "def helper():\n    return 1\n"}) == {}


def test_async_code_counts_async_defs_and_names_a_prefixed_methods():
    code = rules.async_code(FILES)
    assert code["async_defs"] == 2
    assert code["a_prefixed"] == ["pkg/client.py:aget"]
    assert code["modules"] == ["pkg/client.py", "pkg/views.py"]
