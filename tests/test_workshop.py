"""The workshop plans (workshop.md): each adds up to its length, names only chapters, sections and
exercises that exist, gives each exercise the time and difficulty of exercises.md, and fits its
exercises into its blocks. Fast: nothing here executes a chapter."""

import json
import re

import pytest

from chapters import ROOT, toc_files
from test_site import exercise_labels, exercise_rows

PLANS = {"The 3-hour plan": 180, "The 6-hour plan": 360}
PAGE = (ROOT / "workshop.md").read_text()
FIELDS = ("Objectives", "Chapters and sections", "Exercises", "Checkpoint", "Skip")


def plan_blocks(title):
    """[(number, name, minutes, {field: text})] of the plan under the heading `## title`."""
    body = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", PAGE, re.S | re.M)
    assert body, f"workshop.md has no section '## {title}'"
    blocks = []
    for number, name, minutes, text in re.findall(r"^### (\d+)\. (.+?) \((\d+) min\)\n(.*?)(?=^### |\Z)",
                                                  body.group(1), re.S | re.M):
        fields = {}
        for field, value in re.findall(r"^- \*\*([^*]+)\*\*: (.*?)(?=^- \*\*|\Z)", text, re.S | re.M):
            fields[field] = " ".join(value.split())
        blocks.append((int(number), name, int(minutes), fields))
    return blocks


def headings(chapter):
    nb = json.loads((ROOT / f"{chapter}.ipynb").read_text())
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    return set(re.findall(r"^#{2,3} (.+?)\s*$", text, re.M))


@pytest.mark.parametrize("title, minutes", PLANS.items())
def test_the_blocks_add_up_to_the_plan_s_length(title, minutes):
    blocks = plan_blocks(title)
    assert [b[0] for b in blocks] == list(range(1, len(blocks) + 1)), "number the blocks 1, 2, ..."
    assert sum(b[2] for b in blocks) == minutes, f"{title}: the blocks add up to {sum(b[2] for b in blocks)} min"
    for number, name, _, fields in blocks:
        assert set(fields) == set(FIELDS), f"{title}, block {number} ({name}): give {FIELDS}, found {list(fields)}"


@pytest.mark.parametrize("title", PLANS)
def test_the_plan_names_only_chapters_and_sections_that_exist(title):
    pages = set(toc_files())
    for number, name, _, fields in plan_blocks(title):
        text = fields["Chapters and sections"]
        for doc in re.findall(r"\{doc\}`([^`<]+?)`", text):
            assert doc in pages, f"{title}, block {number}: {doc} is not in _toc.yml"
        # each chapter's quoted sections: "{doc}`chapters/x`: "A", "B"; ..." (and "from {doc}`...`, "A"")
        for chapter, quoted in re.findall(r"\{doc\}`(chapters/[\w-]+)`[^\"{]*((?:\"[^\"]+\"[^\"{]*)*)", text):
            for section in re.findall(r"\"([^\"]+)\"", quoted):
                assert section in headings(chapter), f"{title}, block {number}: {chapter} has no section {section!r}"
        for section in re.findall(r"\"([^\"]+)\"", fields["Skip"]):
            assert any(section in headings(c) for c in re.findall(r"chapters/[\w-]+", text)), (
                f"{title}, block {number}: skips {section!r}, which none of its chapters has")


@pytest.mark.parametrize("title", PLANS)
def test_exercise_times_and_difficulties_are_the_exercises_page_s(title):
    labels = exercise_labels()
    listed = {label: (time, difficulty) for _, label, time, difficulty in exercise_rows(with_difficulty=True)}
    chapters_in_order = [f for f in toc_files() if f.startswith("chapters/")]
    seen = []
    for number, name, minutes, fields in plan_blocks(title):
        found = re.findall(r"\{ref\}`([^`]+)` \((\d+ min), (\w+)\)", fields["Exercises"])
        if fields["Exercises"] != "none.":
            assert found, f"{title}, block {number}: write each exercise as {{ref}}`label` (N min, difficulty)"
        for label, time, difficulty in found:
            assert label in labels, f"{title}, block {number}: no chapter has an exercise {label!r}"
            assert (time, difficulty) == listed[label], (
                f"{title}, block {number}: {label} takes {listed[label]} on the exercises page")
            # an exercise is set in a block that works through its chapter
            assert f"{{doc}}`{labels[label]}`" in fields["Chapters and sections"], (
                f"{title}, block {number}: {label} is in {labels[label]}, which the block does not name")
            seen.append(label)
        exercise_minutes = sum(int(time.split()[0]) for _, time, _ in found)
        assert exercise_minutes <= minutes, f"{title}, block {number}: {exercise_minutes} min of exercises in {minutes}"
    assert len(seen) == len(set(seen)), f"{title}: an exercise is set twice"
    # the plan takes the chapters in the book's order
    order = [chapters_in_order.index(labels[label]) for label in seen]
    assert order == sorted(order), f"{title}: its exercises follow the book's order"
    assert "sleepstudy-from-scratch" in seen, f"{title}: every plan ends with the exercise from scratch"


def test_the_workshop_pages_are_linked_from_the_landing_page_and_the_readme():
    intro, readme = (ROOT / "intro.md").read_text(), (ROOT / "README.md").read_text()
    for page in ("setup", "troubleshooting", "workshop", "instructor"):
        assert f"{{doc}}`{page}`" in intro or f"<{page}>`" in intro, f"intro.md: link {page}"
        assert f"({page}.md)" in readme, f"README.md: link {page}.md"


# A chapter may point ahead ("the radon chapter, next, ...", "treats in full", "takes this further"),
# but not send the reader ahead for what it relies on now: "explained in", "as in", "introduced in" a
# chapter that comes later in the reading order (issue 21, item 3).
RELIES_ON = re.compile(r"(explained|introduced|defined|derived|shown|described|met|seen)\s+(with [^.{]*?\s)?in the\s*$"
                       r"|\bas in the\s*$|\bsee the\s*$", re.I)
POINTS_AHEAD = re.compile(r"\b(next|later|below|comes? back|takes? this further|in full)\b", re.I)


def _chapter_order():
    return [f.split("/", 1)[1] for f in toc_files() if f.startswith("chapters/")]


def test_cross_references_follow_the_reading_order():
    order = _chapter_order()
    problems = []
    for position, chapter in enumerate(order):
        nb = json.loads((ROOT / "chapters" / f"{chapter}.ipynb").read_text())
        for cell in nb["cells"]:
            text = " ".join("".join(cell["source"]).split())
            for m in re.finditer(r"\{doc\}`(?:[^`<]*<)?(\w+)>?`", text):
                target = m.group(1)
                if target not in order or order.index(target) <= position:
                    continue
                before = text[max(0, m.start() - 60):m.start()]
                after = text[m.end():m.end() + 60]
                if RELIES_ON.search(before) and not POINTS_AHEAD.search(after):
                    problems.append(f"{chapter}: ...{before}{m.group(0)}{after}...")
    assert not problems, "sends the reader to a later chapter:\n" + "\n".join(problems)


def test_the_cross_reference_check_can_fail():
    assert RELIES_ON.search("is explained in the ")
    assert RELIES_ON.search("is explained with Neal's funnel in the ")
    assert RELIES_ON.search("basement's, as in the ")
    assert not RELIES_ON.search("which the ")
