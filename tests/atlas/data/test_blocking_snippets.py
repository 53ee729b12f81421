"""No snippet blocks the event loop by mistake (issue 26, item 14: the e-mail backend's aauthenticate
hashed a password on the loop). atlas/data/blocking_snippets.py reads every snippet; wrong-on-purpose examples
carry '# blocks on purpose: <why>'."""
from __future__ import annotations

import textwrap

import pytest

from atlas.core.datafile import Project
from atlas.data import blocking_snippets


def test_no_snippet_blocks_the_loop_unmarked():
    assert blocking_snippets.check(Project()) == []


@pytest.mark.parametrize("line, why", [
    ("user.set_password(password)", "password hashing"),
    ("time.sleep(1)", "time.sleep"),
    ("requests.get(url)", "blocking HTTP"),
    ("open('f').read()", "file I/O"),
    ("User.objects.filter(a=1).first()", "sync ORM"),
    ("User.objects.get(pk=1)", "sync ORM"),
    ("obj.save()", "sync ORM"),
])
def test_each_kind_is_found_inside_async_def(line, why):
    found = blocking_snippets.scan(f"async def view(request):\n    {line}\n")
    assert len(found) == 1 and why in found[0][1], found


def test_threads_awaits_and_sync_code_are_not_reported():
    source = textwrap.dedent("""
        async def view(request):
            await sync_to_async(user.set_password)(password)
            await User.objects.filter(a=1).afirst()
            await asyncio.sleep(1)
            def helper():
                time.sleep(1)
            return os.path.join("a", "b")

        def sync_view(request):
            time.sleep(1)
    """)
    assert blocking_snippets.scan(source) == []


def test_the_old_email_backend_would_be_reported(tmp_path):
    old = textwrap.dedent("""
        class EmailBackend:
            async def aauthenticate(self, request, username=None, password=None, **kwargs):
                user = await get_user_model().objects.filter(email__iexact=username).afirst()
                if user is None:
                    get_user_model()().set_password(password)
    """)
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "email_backend.py").write_text(old)
    [problem] = blocking_snippets.problems(tmp_path)
    assert problem.startswith("snippets/email_backend.py:6: password hashing (set_password)")
