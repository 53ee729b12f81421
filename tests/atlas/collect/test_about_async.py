"""atlas/collect/about_async.py: the one definition of "about async" the docs collectors share."""
import pytest

from atlas.collect.about_async import async_members, concerns_async, named_members


@pytest.mark.parametrize("text", [
    "Added support for asynchronous views and middleware.",
    "``AsyncClient`` now supports the ``follow`` parameter.",
    "The minimum supported version of ``asgiref`` is increased.",
    "``await self.async_client.get('/')``",
    "Passing ``None`` to ``MiddlewareMixin.__init__()`` is deprecated.",
    "``aget_object_or_404()`` function was added.",     # a member of the index with digits in its name
    "See :meth:`~.QuerySet.aget` for details.",          # named without parentheses
])
def test_a_text_about_async_is_recognised(text):
    assert concerns_async(text)


@pytest.mark.parametrize("text", [
    "Added the ``headers`` parameter to the test client.",
    "An aside about a paginator and a queryset.",        # English words starting with a are not APIs
    "The ``amount`` field was added.",
])
def test_a_text_not_about_async_is_left_out(text):
    assert not concerns_async(text)


def test_a_release_note_under_an_async_section_is_about_async():
    assert not concerns_async("Task results can be pickled.")
    assert concerns_async("Task results can be pickled.", section="Tasks")


def test_the_api_names_come_from_the_collected_index():
    assert {"aget", "asave", "aget_object_or_404"} <= async_members()
    assert named_members("``aget()`` and ``asave()`` and ``apple()``") == ["aget", "asave"]
