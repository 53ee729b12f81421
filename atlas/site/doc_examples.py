"""How Sybil runs the code blocks written in docs/**/*.md.

* Every fenced block whose language is ``python`` or ``py`` runs, whatever attributes its fence carries
  (``title="..."``, ``hl_lines="..."``). Sybil's stock parser silently skips such blocks.
* Blocks that start with ``>>>`` run as doctest sessions.
* Top-level ``await`` works: such a block runs on the page's own event loop, which lives as long as the
  page, so one block can create a task or a client that the next block uses.
* A block that includes a snippet (``--8<-- "sse/stream_view.py"``) is not run here: the snippet is a real
  module under snippets/ and its own test under tests/ drives it.
* ``<!-- invisible-code-block: python -->`` runs setup the reader does not need to see;
  ``<!-- skip: next "reason" -->`` skips the next block; ``<!-- clear-namespace -->`` starts afresh.
"""
from __future__ import annotations

import ast
import asyncio
import inspect
import re

from sybil import Sybil
from sybil.evaluators.doctest import DocTestEvaluator
from sybil.evaluators.python import pad
from sybil.parsers.abstract.doctest import DocTestStringParser
from sybil.parsers.abstract.lexers import LexerCollection
from sybil.parsers.markdown import ClearNamespaceParser, SkipParser
from sybil.parsers.markdown.lexers import DirectiveInHTMLCommentLexer, FencedCodeBlockLexer

PYTHON_LANGUAGES = {"python", "py", "pycon"}
INCLUDE = re.compile(r"^\s*-{2}8<-{2}", re.MULTILINE)
LOOP_KEY = "__atlas_event_loop__"


def language_of(arguments: str) -> str:
    """The language word of a fence's info string: 'python title="x.py"' -> 'python'."""
    words = arguments.replace("{", " ").replace(".", " ").split()
    return words[0].lower() if words else ""


class AsyncAwareEvaluator:
    """Run a block as Python; if it uses top-level ``await``, run it on the page's event loop."""

    def __call__(self, example) -> None:
        __tracebackhide__ = True
        source = pad(example.parsed, example.line + example.parsed.line_offset)
        code = compile(source, example.path, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
        namespace = example.namespace
        if code.co_flags & inspect.CO_COROUTINE:
            loop = namespace.get(LOOP_KEY)
            if loop is None:
                loop = namespace[LOOP_KEY] = asyncio.new_event_loop()
            loop.run_until_complete(eval(code, namespace))
        else:
            exec(code, namespace)
        namespace.pop("__builtins__", None)


class PageCodeParser:
    """Collect the python blocks of a Markdown page (see the module docstring)."""

    def __init__(self) -> None:
        self.lexers = LexerCollection([
            FencedCodeBlockLexer(language=r".+", mapping={"language": "arguments", "source": "source"}),
            DirectiveInHTMLCommentLexer(directive=r"(invisible-)?code(-block)?", arguments=".+"),
        ])
        self.evaluator = AsyncAwareEvaluator()
        self.doctests = DocTestStringParser(DocTestEvaluator())

    def __call__(self, document):
        for region in self.lexers(document):
            if language_of(region.lexemes["arguments"]) not in PYTHON_LANGUAGES:
                continue
            source = region.lexemes["source"]
            if INCLUDE.search(source):
                continue  # an included snippet: tested by pytest from snippets/
            if source.lstrip().startswith(">>>"):
                for doctest_region in self.doctests(source, document.path):
                    doctest_region.adjust(region, source)
                    yield doctest_region
                continue
            region.parsed = source
            region.evaluator = self.evaluator
            yield region


def close_page_loop(namespace: dict) -> None:
    loop = namespace.pop(LOOP_KEY, None)
    if loop is not None:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


def make_sybil(docs_dir, fixtures=()) -> Sybil:
    """The Sybil that collects the pages under `docs_dir` (give it the conftest's own folder)."""
    return Sybil(
        path=str(docs_dir),
        parsers=[PageCodeParser(), SkipParser(), ClearNamespaceParser()],
        patterns=["*.md"],
        fixtures=list(fixtures),
        teardown=close_page_loop,
    )
