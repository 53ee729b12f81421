"""The resources page's body (docs/resources/index.md includes it), rendered from the checked resource file."""
from __future__ import annotations

import html
import re

from atlas.data.resources import (
    Vocabulary,
    django_label,
    load_resources,
    load_vocabulary,
    parse_django,
    sort_key,
)

# --------------------------------------------------------------------------------------------- render


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def _md_text(text: str) -> str:
    """Text for a Markdown link label or description: escape what Markdown would read as syntax."""
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", text.strip())


def entry_line(entry: dict, vocab: Vocabulary, *, badges: bool = True) -> str:
    """One list item: `- [Title](url) - Description.` then the badges, in a span the filter reads.
    badges=False gives the bare awesome-list line (the lint test checks both forms)."""
    line = f"- [{_md_text(entry['title'])}]({entry['url'].strip()}) - {_md_text(entry['description'])}"
    if not badges:
        return line
    low, high = parse_django(entry["django"])
    attrs = {
        "class": "atlas-resource-meta",
        "data-kind": entry["kind"],
        "data-status": entry["status"],
        "data-topics": " ".join(entry["topics"]),
        "data-django-min": low or "",
        "data-django-max": "" if high is None else high,
    }
    badges = [f'<span class="atlas-badge atlas-resource-kind">{_esc(vocab.kinds[entry["kind"]])}</span>']
    if entry["status"] != "current":
        badges.append(f'<span class="atlas-badge atlas-resource-status" title="{_esc(vocab.statuses[entry["status"]])}">'
                      f'{_esc(entry["status"])}</span>')
    badges.append(f'<span class="atlas-badge atlas-resource-release">{_esc(django_label(entry["django"]))}</span>')
    meta = " ".join(badges) + f' <small>{_esc(entry["author"].strip())}, {entry["year"]}</small>'
    if entry.get("why"):
        meta += f' <span class="atlas-resource-why">Why read it {_ordinal(entry["read_order"])}: {_esc(entry["why"].strip())}</span>'
    attr_text = " ".join(f'{name}="{_esc(value)}"' for name, value in attrs.items())
    return f"{line} <span {attr_text}>{meta}</span>"


def _ordinal(number: int) -> str:
    return {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth"}.get(number, f"{number}th")


def _filter_html(entries: list[dict], vocab: Vocabulary, releases: list[str]) -> str:
    used_topics = [t for t in vocab.topics if any(t in e["topics"] for e in entries)]
    used_kinds = [k for k in vocab.kinds if any(e["kind"] == k for e in entries)]

    def options(values, labels):
        return "".join(f'<option value="{_esc(v)}">{_esc(labels(v))}</option>' for v in values)

    return (
        '<form class="atlas-resource-filter" hidden>'
        '<label>Topic <select data-filter="topic"><option value="">all topics</option>'
        f"{options(used_topics, str)}</select></label> "
        '<label>Kind <select data-filter="kind"><option value="">all kinds</option>'
        f"{options(used_kinds, lambda k: vocab.kinds[k])}</select></label> "
        '<label>Release <select data-filter="release"><option value="">any release</option>'
        f"{options(releases, lambda r: f'Django {r}')}</select></label> "
        '<output class="atlas-resource-count" aria-live="polite"></output>'
        "</form>"
    )


def render(entries: list[dict], vocab: Vocabulary | None = None, releases: list[str] | None = None,
           *, badges: bool = True) -> str:
    """Markdown for the resource page body: the filter form, then one section per heading, one line per entry."""
    vocab = vocab or load_vocabulary()
    if releases is None:
        from atlas.data import versions_data

        releases = [release.version for release in versions_data.load_releases()]
    out = [_filter_html(entries, vocab, releases), ""]
    for section_id, section in vocab.sections.items():
        group = sorted((e for e in entries if e["section"] == section_id), key=lambda e: sort_key(e, vocab))
        if not group:
            continue
        out += [f"## {section['title']}", "", section["description"], ""]
        out += [entry_line(entry, vocab, badges=badges) for entry in group]
        out.append("")
    return "\n".join(out)


def render_resources_page(path=None) -> str:
    """The body of docs/resources/index.md (no front matter), from the checked resource file, then the primary
    source of every capability and roadmap entry (atlas/data/primary_sources.py)."""
    from atlas.data import primary_sources

    entries = load_resources(path)
    return render(entries) + "\n" + primary_sources.render(listed={e["url"].strip() for e in entries})
