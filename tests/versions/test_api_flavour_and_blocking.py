"""The async API index says how each API is written in each release, whether it can block the event loop,
its sync twin and what it awaits in words a reader understands (issue 26, items 5, 13 and 15).

The collector's source readers are tested on small pieces of source here; the committed index
(docs/data/async_api.json, collected from the real releases by `python3 dev.py api`) is checked for the
facts the issue names."""
from __future__ import annotations

import importlib.util
import inspect
import re
import sys
import textwrap
import types

import pytest

from atlas.collect import async_api
from atlas.core.paths import IN_RELEASE
from atlas.data.versions_data import feature_releases
from atlas.site import async_api_render


@pytest.fixture(scope="module")
def collector():
    sys.path.insert(0, str(IN_RELEASE))  # the collector imports probe_runner from its own folder
    try:
        spec = importlib.util.spec_from_file_location("atlas_api_collector", IN_RELEASE / "async_api_collect.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(IN_RELEASE))


def apis_by_name():
    return {a["name"]: a for a in async_api.load_index()["apis"]}


# -- the collector, on small sources --------------------------------------------------------------


def test_an_awaited_local_is_a_callable_chosen_at_run_time(collector):
    source = textwrap.dedent('''
        async def acount(self):
            c = getattr(self.object_list, "acount", None)
            return await c()
    ''')
    _markers, _calls, awaited = collector.analyse(source)
    assert awaited == ["<dynamic>"]


def test_blocking_calls_are_found_in_the_function_and_its_direct_sync_helpers(collector):
    namespace = {}
    exec(textwrap.dedent('''
        import os
        class Store:
            def load(self):
                with open(self.path) as f:
                    return f.read()
            def exists(self):
                return os.path.exists(self.path)
            async def aload(self):
                return self.load()
            async def aexists(self):
                return self.exists()
    '''), namespace)
    store = namespace["Store"]
    sources = {
        "Store.load": "def load(self):\n    with open(self.path) as f:\n        return f.read()\n",
        "Store.exists": "def exists(self):\n    return os.path.exists(self.path)\n",
        "Store.aload": "async def aload(self):\n    return self.load()\n",
        "Store.aexists": "async def aexists(self):\n    return self.exists()\n",
    }
    original = collector.source_info
    collector.source_info = lambda func: ("x.py", 1, sources.get(func.__qualname__))
    try:
        assert collector.blocking_calls(store.__dict__["aload"], store) == ["open() in Store.load"]
        assert collector.blocking_calls(store.__dict__["aexists"], store) == ["os.path.exists() in Store.exists"]
    finally:
        collector.source_info = original


def test_the_sync_twin_of_an_async_class_is_found_in_its_sync_sibling(collector):
    module = types.ModuleType("pager")

    class Paginator:
        def page(self, number):
            return number

    class AsyncPaginator:
        async def apage(self, number):
            return number

    module.Paginator, module.AsyncPaginator = Paginator, AsyncPaginator
    has = lambda twin: any(twin in k.__dict__ for k in inspect.getmro(AsyncPaginator))  # noqa: E731
    assert collector.twin_of("apage", has, collector.sync_sibling(AsyncPaginator, module)) == "Paginator.page"


def test_a_flavour_that_changes_is_shown_per_release():
    releases = feature_releases()
    releases = releases[releases.index("3.1"):releases.index("5.1") + 1]
    api = {"flavour": "coroutine", "since": "3.1", "releases": releases,
           "flavours": [{"release": "3.1", "flavour": "plain def returning an awaitable"},
                        {"release": "5.0", "flavour": "coroutine"}]}
    assert async_api_render.flavour_text(api) == \
        "plain `def` returning an awaitable in 3.1–4.2, `async def` from 5.0"


# -- the committed index, collected from the real releases ----------------------------------------


def test_async_client_methods_were_plain_defs_until_4_2_and_async_defs_from_5_0():
    apis = apis_by_name()
    for method in ("get", "post", "put", "patch", "delete", "head", "options", "trace"):
        api = apis[f"django.test.client.AsyncClient.{method}"]
        assert api["flavours"] == [{"release": "3.1", "flavour": "plain def returning an awaitable"},
                                   {"release": "5.0", "flavour": "coroutine"}], method


def test_the_file_session_store_can_block_the_loop():
    apis = apis_by_name()
    methods = [a for n, a in apis.items() if n.startswith("django.contrib.sessions.backends.file.SessionStore.a")]
    assert len(methods) == 6
    for api in methods:
        assert api["execution"] == "native" and api["blocking"], api["name"]


def test_pagination_entries_name_their_sync_twin():
    apis = apis_by_name()
    assert apis["django.core.paginator.AsyncPaginator.apage"]["sync_twin"] == "Paginator.page"
    assert apis["django.core.paginator.AsyncPage.ahas_next"]["sync_twin"] == "Page.has_next"


def test_no_evidence_names_a_local_variable():
    for api in async_api.load_index()["apis"]:
        assert not re.search(r"(?<![\w.])c\(\)", api["evidence"]), api["name"]


def test_string_only_path_functions_do_not_count_as_blocking(collector):
    assert collector.blocking_in("def f(p):\n    return os.path.join(p, 'x'), os.path.split(p)\n") == []
    assert collector.blocking_in("def f(p):\n    time.sleep(1)\n    return os.stat(p)\n") == \
        ["time.sleep()", "os.stat()"]
