"""Use-case levels (atlas/data/use_case_levels.py) checked against the data they come from: capabilities.yml
read as plain YAML here, not through the module, and the ways in use_case_levels.yml."""
import re

import pytest

from atlas.core.datafile import Project, safe_load
from atlas.core.paths import DATA
from atlas.data import use_case_levels as levels_module
from atlas.data.versions_data import feature_releases, use_cases
from atlas.site import versions_render

RELEASES = feature_releases()
KEY = {v: i for i, v in enumerate(RELEASES)}
RAW_CAPS = {c["id"]: c for c in safe_load((DATA / "capabilities.yml").read_text(encoding="utf-8"))}
RAW = safe_load((DATA / "use_case_levels.yml").read_text(encoding="utf-8"))
TABLE = levels_module.table()


def present(cap: dict, release: str) -> bool:
    if cap.get("status", "shipped") != "shipped":
        return False
    return KEY[cap["added"]] <= KEY[release] and (not cap.get("removed") or KEY[release] < KEY[cap["removed"]])


def package_supports(way: dict, release: str) -> bool:
    low, _, high = way.get("django", RELEASES[0] + "+").rstrip("+").partition("-")
    return KEY[low] <= KEY[release] and (not high or KEY[release] <= KEY[high])


def expected_way_level(way: dict, release: str) -> str:
    caps = [RAW_CAPS[c] for c in way["capabilities"]]
    if not package_supports(way, release) or not all(present(c, release) for c in caps):
        return "none"
    if way.get("limits") or any(c.get("support") == "partial" for c in caps):
        return "partial"
    needs = set(way.get("needs", [])) | {r for c in caps for r in c.get("requires", [])}
    return "package" if needs & set(RAW["packages"]) else "alone"


def test_every_use_case_has_a_row_and_every_release_a_cell():
    assert list(TABLE) == list(use_cases())
    assert all(list(row) == RELEASES for row in TABLE.values())


@pytest.mark.parametrize("use_case", list(RAW["use_cases"]))
def test_level_is_the_best_way_by_the_rules_in_the_data_file(use_case):
    order = list(RAW["levels"])  # best first
    for release in RELEASES:
        wanted = min((expected_way_level(w, release) for w in RAW["use_cases"][use_case]["ways"]), key=order.index)
        assert TABLE[use_case][release].level == wanted, (use_case, release)


def test_what_the_issue_found_wrong_is_right_now():
    sse_added = RAW_CAPS["streaming-async-iterators"]["added"]
    assert levels_module.first_release(TABLE["server-sent-events"]) == sse_added == "4.2"
    # chat needs Channels on every release: never "Django alone", never a step back
    assert {c.level for c in TABLE["real-time-chat"].values()} == {"package"}
    assert "channels" in TABLE["real-time-chat"]["6.1"].needs
    # background work: Celery on every release; 6.0's partial django.tasks does not lower it
    assert {c.level for c in TABLE["background-work"].values()} == {"package"}
    # the middleware half of the middleware/auth page works from async middleware's release
    assert levels_module.first_release(TABLE["async-middleware-auth"]) == RAW_CAPS["async-middleware"]["added"]
    # a 4.2 reader is pointed to Celery and the django-tasks backport; a 6.0 reader to django.tasks too
    level, cells = levels_module.best_ways("background-work", "4.2")
    assert level == "package" and ["Celery" in cells[0].way.name, "django-tasks" in cells[1].way.name] == [True, True]
    assert [c.way.name for c in levels_module.best_ways("background-work", "3.2")[1]] == [cells[0].way.name]


def test_no_level_goes_down_in_the_real_data():
    assert levels_module.check(Project()) == []


def scratch(tmp_path, capabilities_text=None, levels_text=None) -> Project:
    if capabilities_text is not None:
        (tmp_path / "capabilities.yml").write_text(capabilities_text, encoding="utf-8")
    if levels_text is not None:
        (tmp_path / "use_case_levels.yml").write_text(levels_text, encoding="utf-8")
    return Project(data_dir=tmp_path, fallback=DATA)


def test_a_drop_without_a_reason_fails_and_a_reason_makes_it_pass(tmp_path):
    caps = (DATA / "capabilities.yml").read_text(encoding="utf-8")
    # streaming-async-iterators removed in 6.0: SSE goes from "Django alone" in 5.2 to "No" in 6.0
    broken = re.sub(r'(- id: streaming-async-iterators\n(?:  .*\n)*?  added: "4\.2"\n)', r'\1  removed: "6.0"\n', caps)
    assert broken != caps
    found = levels_module.check(scratch(tmp_path, broken))
    sse = [p for p in found if "server-sent-events" in p]
    assert len(sse) == 1 and "goes down in Django 6.0: Django alone in the release before, No there" in sse[0]
    assert sse[0].startswith("docs/data/use_case_levels.yml:") or "/use_case_levels.yml:" in sse[0]
    text = (DATA / "use_case_levels.yml").read_text(encoding="utf-8")
    explained = text.replace("        capabilities: [asgi-handler, async-views, streaming-async-iterators]\n  long-polling:",
                             "        capabilities: [asgi-handler, async-views, streaming-async-iterators]\n"
                             "    drops: {\"6.0\": \"a test reason\"}\n  long-polling:", 1)
    assert explained != text
    assert not [p for p in levels_module.check(scratch(tmp_path, broken, explained)) if "server-sent-events" in p]


def test_a_reason_for_a_release_where_nothing_drops_is_refused(tmp_path):
    text = (DATA / "use_case_levels.yml").read_text(encoding="utf-8")
    stale = text.replace("        needs: [channels]\n", "        needs: [channels]\n    drops: {\"5.0\": \"old\"}\n", 1)
    found = levels_module.check(scratch(tmp_path, levels_text=stale))
    assert len(found) == 1 and "real-time-chat.drops.5.0: nothing drops in Django 5.0" in found[0]
    assert found[0].endswith("— remove the reason")


def test_unknown_ids_are_refused_with_the_fix(tmp_path):
    text = (DATA / "use_case_levels.yml").read_text(encoding="utf-8")
    bad = text.replace("needs: [channels]", "needs: [channelz]", 1).replace(
        "capabilities: [tasks-framework]", "capabilities: [tasks-frame]", 1)
    found = levels_module.check(scratch(tmp_path, levels_text=bad))
    assert any("'channelz' is not a requirement in docs/data/requires.yml" in p for p in found)
    assert any("'tasks-frame' is not a capability id — use an id from docs/data/capabilities.yml" in p for p in found)


def test_the_matrix_table_shows_the_computed_level_of_each_cell():
    text = versions_render.render_usecase_matrix()
    labels = {key: value["label"] for key, value in RAW["levels"].items()}
    for use_case, row in TABLE.items():
        line = next(line for line in text.splitlines() if f"(../use-cases/{use_case}.md)" in line and line.startswith("| ["))
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in line.strip().strip("|").split("|")][1:]
        assert cells == [labels[row[v].level] for v in RELEASES], use_case


def test_the_use_cases_index_lists_every_use_case_with_its_level_first_release_and_needs():
    import html
    import json

    from atlas.site import use_case_index

    text = use_case_index.render()
    labels = {key: value["label"] for key, value in RAW["levels"].items()}
    for use_case, (title, _path) in use_cases().items():
        line = next(line for line in text.splitlines() if line.startswith(f"| [{title}]("))
        entries = json.loads(html.unescape(re.search(r'data-uc-levels="([^"]*)"', line)[1]))
        for release in RELEASES:  # the entry in force on each release holds that release's level
            in_force = entries[max((v for v in entries if KEY[v] <= KEY[release]), key=KEY.get)]
            assert in_force[1] == labels[TABLE[use_case][release].level], (use_case, release)
        first = levels_module.first_release(TABLE[use_case])
        assert f"| [{first}](../versions/{first}.md) |" in line
        # the needs named are those of the capabilities' requires and the ways' needs, in requires.yml's words
        for way in RAW["use_cases"][use_case]["ways"]:
            if TABLE[use_case][RELEASES[-1]].level != "none" and way.get("django", "+").endswith("+"):
                assert way["name"] in in_force[2]


def test_each_upgrade_step_says_which_use_cases_it_unlocks():
    text = versions_render.render_upgrade_view()
    section = text.split("## From Django 4.1", 1)[1].split("\n## ", 1)[0]
    row = next(line for line in section.splitlines() if line.startswith("| [4.2](4.2.md)"))
    risen = [uc for uc, r in TABLE.items() if
             list(RAW["levels"]).index(r["4.2"].level) < list(RAW["levels"]).index(r["4.1"].level)]
    assert "server-sent-events" in risen
    for uc in use_cases():
        assert (f"(../use-cases/{uc}.md)" in row.split(" | ")[1]) == (uc in risen), uc


@pytest.mark.parametrize("version", RELEASES[1:])
def test_a_release_page_unlocks_the_use_cases_whose_level_rises_there(version):
    page = versions_render.render_release_page(version)
    section = page.split("## Use cases it unlocks", 1)[1].split("It also adds building blocks to:", 1)[0].split("## ", 1)[0]
    before = RELEASES[RELEASES.index(version) - 1]
    order = list(RAW["levels"])
    for use_case in use_cases():
        risen = order.index(TABLE[use_case][version].level) < order.index(TABLE[use_case][before].level)
        assert (f"(../use-cases/{use_case}.md)" in section) == risen, (version, use_case)
