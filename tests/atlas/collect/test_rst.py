"""atlas/collect/rst.py, the one reader of Django's reStructuredText: titles and their levels, roles made
plain, a directive's body."""
from atlas.collect import rst

DOC = """\
==========================
Django 5.0 release notes
==========================

What's new in Django 5.0
========================

Asynchronous views
------------------

* :meth:`QuerySet.aget() <django.db.models.query.QuerySet.aget>` arrived.

.. versionadded:: 5.0

    The ``aget()`` method.
    Second line.

Next paragraph.
"""


def test_titles_come_in_order_with_levels_by_first_appearance():
    lines = DOC.split("\n")
    assert list(rst.headings(lines).values()) == [
        (0, "Django 5.0 release notes"), (1, "What's new in Django 5.0"), (2, "Asynchronous views")]
    assert rst.titles(DOC) == ["Django 5.0 release notes", "What's new in Django 5.0", "Asynchronous views"]


def test_roles_and_literals_are_made_plain():
    assert rst.plain(":mod:`django.contrib.auth`") == "django.contrib.auth"
    assert rst.plain(":meth:`QuerySet.aget() <django.db.models.query.QuerySet.aget>`") == "QuerySet.aget()"
    assert rst.plain("The ``aget()`` method") == "The aget() method"


def test_a_directive_body_ends_at_the_first_line_indented_no_deeper():
    lines = DOC.split("\n")
    start = lines.index(".. versionadded:: 5.0")
    assert rst.block(lines, start + 1, 0) == "The ``aget()`` method. Second line."
