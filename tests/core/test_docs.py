"""The design lives in the repository (docs/architecture.md §6.10): every ``docs/<file>.md §n``
that the code, the templates, the tests, the benchmarks, the README or the docs cite names a file
in docs/ and a numbered section of it, and nothing points at a design kept elsewhere."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

#: A reference: a file of docs/, then one or more sections ("§2.2, §2.3 and §2.4"), possibly
#: wrapped onto the next line of a docstring or a ``#`` comment.
REFERENCE = re.compile(
    r"docs/([\w./-]+\.md)[\s#:]+(§\d+(?:\.\d+)*(?:(?:,\s*|\s+and\s+)§\d+(?:\.\d+)*)*)"
)
#: A numbered heading ("## 2. Rules", "### 2.3 Capacity") and its stable anchor.
HEADING = re.compile(r"^#{2,4} (\d+(?:\.\d+)*)\.? ", re.MULTILINE)
ANCHOR = re.compile(r'<a id="s(\d+(?:\.\d+)*)"></a>\n#{2,4} (\d+(?:\.\d+)*)\.? ')


def _sources() -> Iterator[Path]:
    for folder in ("aljisr", "templates", "tests", "bench", "docs"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in (".py", ".html", ".md", ".txt", ".cfg") and path.is_file():
                yield path
    yield ROOT / "README.md"


def _sections(name: str) -> set[str]:
    return set(HEADING.findall((ROOT / "docs" / name).read_text(encoding="utf-8")))


def test_every_design_reference_names_a_section_that_exists():
    references = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        for match in REFERENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            for number in re.findall(r"§(\d+(?:\.\d+)*)", match.group(2)):
                references.append((f"{path.relative_to(ROOT)}:{line}", match.group(1), number))
    assert len(references) > 25, "the pattern no longer finds the references it checks"
    broken = [f"{where} docs/{name} §{number}" for where, name, number in references
              if not (ROOT / "docs" / name).is_file() or number not in _sections(name)]
    assert broken == []


def test_every_section_has_its_stable_anchor_and_every_link_resolves():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    anchored = ANCHOR.findall(text)
    assert [anchor for anchor, _heading in anchored] == [heading for _a, heading in anchored]
    assert sorted(heading for _a, heading in anchored) == sorted(HEADING.findall(text))
    links = set(re.findall(r"\]\(#s(\d+(?:\.\d+)*)\)", text))
    assert links and links <= {anchor for anchor, _heading in anchored}


def test_nothing_points_at_a_design_outside_the_repository():
    outside = ("../" + "shared", "DESIGN" + ".md")  # spelt apart, so this file is no offender
    offenders = [str(path.relative_to(ROOT)) for path in _sources()
                 if any(name in path.read_text(encoding="utf-8") for name in outside)]
    assert offenders == []
