"""Keep only the CSS a page uses.

mkdocs-jupyter inlines all of JupyterLab's stylesheet (about 600 KB) into every notebook page, while a
rendered notebook uses a few dozen of its classes. ``prune(css, html)`` keeps:

* style rules with at least one selector whose class names all occur in the page (selectors without a
  class, such as ``pre`` or ``:root``, are kept: they may match; classes inside ``:not()`` and other
  functional pseudo-classes do not count);
* at-rule blocks (``@media``, ``@supports``) that still hold a rule after pruning; ``@keyframes`` whose
  name a kept declaration uses; other at-rules as they are;
* custom properties (``--jp-…``) only when a kept declaration uses them, directly or through another
  custom property.

A small tokenizer is enough: the input is machine-written CSS (JupyterLab's and Pygments').
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

COMMENT = re.compile(r"/\*.*?\*/", re.S)
CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
# :not(.a) matches where .a is absent, :is()/:where()/:has() may match without each class: their
# arguments never make a selector unused (no nesting deeper than one level in these stylesheets)
FUNCTIONAL_PSEUDO = re.compile(r":[\w-]+\([^()]*\)")
HTML_CLASS = re.compile(r'class="([^"]*)"')
VAR = re.compile(r"var\(\s*(--[\w-]+)")
ANIMATION = re.compile(r"animation(?:-name)?\s*:\s*([^;]+)")


@dataclass
class Block:
    """``prelude { body }``: a style rule (children empty) or an at-rule holding nested blocks."""
    prelude: str
    body: str = ""
    children: list[Block] = field(default_factory=list)
    nested: bool = False


def parse(css: str) -> list[Block]:
    css = COMMENT.sub("", css)
    blocks, _ = _parse(css, 0)
    return blocks


def _parse(css: str, pos: int) -> tuple[list[Block], int]:
    blocks: list[Block] = []
    while pos < len(css):
        brace = css.find("{", pos)
        close = css.find("}", pos)
        if close != -1 and (brace == -1 or close < brace):
            return blocks, close + 1  # end of the enclosing at-rule
        if brace == -1:
            break
        prelude = css[pos:brace].strip()
        # statements such as @import/@charset end with ";" before the next block
        while ";" in prelude and prelude.lstrip().startswith("@"):
            statement, prelude = prelude.split(";", 1)
            blocks.append(Block(statement.strip() + ";"))
            prelude = prelude.strip()
        if prelude.startswith(("@media", "@supports", "@layer", "@container", "@document")):
            children, pos = _parse(css, brace + 1)
            blocks.append(Block(prelude, children=children, nested=True))
            continue
        end = _matching(css, brace)
        blocks.append(Block(prelude, css[brace + 1:end].strip()))
        pos = end + 1
    return blocks, pos


def _matching(css: str, brace: int) -> int:
    depth = 0
    for index in range(brace, len(css)):
        if css[index] == "{":
            depth += 1
        elif css[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    return len(css)


def _split_selectors(prelude: str) -> list[str]:
    parts, depth, current = [], 0, []
    for char in prelude:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def _declarations(body: str) -> list[str]:
    """Split on ";" outside parentheses and quotes: data URLs hold ";base64,"."""
    parts, depth, quote, current = [], 0, "", []
    for char in body:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == ";" and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def classes_in(html: str) -> set[str]:
    found: set[str] = set()
    for match in HTML_CLASS.finditer(html):
        found.update(match.group(1).split())
    return found


def prune(css: str, html: str) -> str:
    used = classes_in(html)
    kept = _keep_rules(parse(css), used)
    needed_vars, animations = _references(kept)
    return "\n".join(_render(kept, needed_vars, animations))


def _keep_rules(blocks: list[Block], used: set[str]) -> list[Block]:
    kept = []
    for block in blocks:
        if block.nested:
            children = _keep_rules(block.children, used)
            if children:
                kept.append(Block(block.prelude, children=children, nested=True))
        elif block.prelude.startswith("@"):
            kept.append(block)
        else:
            selectors = [s for s in _split_selectors(block.prelude)
                         if set(CLASS.findall(FUNCTIONAL_PSEUDO.sub("", s))) <= used]
            if selectors:
                kept.append(Block(", ".join(selectors), block.body))
    return kept


def _walk(blocks: list[Block]):
    for block in blocks:
        yield block
        yield from _walk(block.children)


def _references(blocks: list[Block]) -> tuple[set[str], set[str]]:
    """Custom properties needed by kept declarations (closed over custom properties), animation names."""
    definitions: dict[str, list[str]] = {}
    direct: set[str] = set()
    animations: set[str] = set()
    for block in _walk(blocks):
        if block.nested or block.prelude.startswith("@keyframes"):
            continue
        for declaration in _declarations(block.body):
            name, _, value = declaration.partition(":")
            name = name.strip()
            if name.startswith("--"):
                definitions.setdefault(name, []).append(value)
            else:
                direct.update(VAR.findall(value))
                if name.startswith("animation"):
                    animations.update(re.findall(r"[\w-]+", value))
    needed, todo = set(), list(direct)
    while todo:
        name = todo.pop()
        if name in needed:
            continue
        needed.add(name)
        for value in definitions.get(name, []):
            todo.extend(VAR.findall(value))
    return needed, animations


def _render(blocks: list[Block], needed: set[str], animations: set[str]) -> list[str]:
    out = []
    for block in blocks:
        if block.nested:
            inner = _render(block.children, needed, animations)
            if inner:
                out.append(block.prelude + " {\n" + "\n".join(inner) + "\n}")
            continue
        if block.prelude.startswith("@keyframes"):
            if block.prelude.split()[-1] in animations:
                out.append(f"{block.prelude} {{ {block.body} }}")
            continue
        if block.prelude.endswith(";"):
            if not block.prelude.startswith("@charset"):  # only valid first in a file; pages are UTF-8
                out.append(block.prelude)
            continue
        declarations = [
            d for d in _declarations(block.body)
            if not d.startswith("--") or d.partition(":")[0].strip() in needed
        ]
        if declarations:
            out.append(f"{block.prelude} {{ {'; '.join(declarations)} }}")
    return out
