"""The live preview's watcher drops the events on files generation writes, and passes every other one
(atlas/site/live_preview.py; tests/site/test_live_preview.py runs the real server)."""
from watchdog.events import FileCreatedEvent, FileDeletedEvent, FileModifiedEvent, FileMovedEvent

from atlas.core.paths import DATA, DOCS
from atlas.site import generate, live_preview


class Emitter:
    """A watchdog emitter as the filter sees it: it wraps `queue_event`; `queued` is what got through."""

    def __init__(self):
        self.queued = []

    def queue_event(self, event):
        self.queued.append(event)


def filtered_emitter():
    emitter = Emitter()
    live_preview.ignore_generated_files(type("Observer", (), {"emitters": [emitter]})())
    return emitter


def test_events_on_generated_files_are_dropped_and_edits_pass():
    page = DOCS / "versions" / "3.0.md"  # written by the session's generation (tests/conftest.py)
    assert page in generate.owned_files()
    emitter = filtered_emitter()
    edits = [FileModifiedEvent(str(DATA / "capabilities.yml")), FileCreatedEvent(str(DOCS / "new-page.md")),
             FileMovedEvent(str(DOCS / "faq" / "index.md"), str(page))]  # a hand-written page moved onto it
    for event in [FileModifiedEvent(str(page)), FileDeletedEvent(str(page)), FileCreatedEvent(str(page)), *edits]:
        emitter.queue_event(event)
    assert emitter.queued == edits


def test_a_page_listed_after_the_filter_started_is_dropped_when_written_and_when_removed(monkeypatch):
    page = DOCS / "versions" / "9.9.md"
    listed = generate.owned_files()
    monkeypatch.setattr(generate, "owned_files", lambda: set(listed))
    emitter = filtered_emitter()
    listed.add(page)  # generation lists a new release's page before writing it
    emitter.queue_event(FileCreatedEvent(str(page)))
    listed.discard(page)  # and no longer lists it once it has removed it
    edit = FileModifiedEvent(str(DATA / "releases.yml"))  # makes the filter read the list again
    emitter.queue_event(edit)
    emitter.queue_event(FileDeletedEvent(str(page)))
    assert emitter.queued == [edit]
