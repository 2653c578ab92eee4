"""What the course-engine tests share: a writable copy of the fixture course, and the problems it reports."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from courseware.courses.content import ContentError, load_course
from tests.conftest import FIXTURE_CONTENT


@pytest.fixture
def tree(tmp_path) -> Path:
    """A copy of the fixture course that a test may break."""
    root = tmp_path / "modules"
    shutil.copytree(FIXTURE_CONTENT, root)
    return root


def problems_of(root: Path) -> list[str]:
    """The problems the loader reports for the course at `root` (which must fail to load)."""
    with pytest.raises(ContentError) as info:
        load_course(root)
    return info.value.problems


def edit_text(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in the file by `new` (failing if the file does not contain it)."""
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))
