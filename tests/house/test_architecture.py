"""The house: data flows one way, from the ground up (docs/architecture.md).

Every import in every module of the project's rooms — at the top of a module or inside
a function — may only reach the same room or a room below it.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# From the ground up. A room may import the rooms before it in this list, never after.
ROOMS = [
    "config",
    "core",
    "mailer",
    "directory",
    "accounts",
    "guidance",
    "finder",
    "cooperation",
    "events",
    "intake",
    "support",
    "opendata",
    "portal",
]
RANK = {room: rank for rank, room in enumerate(ROOMS)}


def _imported_rooms(path: Path, room: str):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            # A relative import stays in the same package.
            names = [room] if node.level else [node.module or ""]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in RANK:
                yield node.lineno, name, top


def upward_imports() -> list[str]:
    found = []
    for room in ROOMS:
        for path in sorted((ROOT / room).rglob("*.py")):
            for lineno, name, target in _imported_rooms(path, room):
                if RANK[target] > RANK[room]:
                    found.append(f"{path.relative_to(ROOT)}:{lineno} {room} imports {name}")
    return found


def test_every_project_package_is_a_room():
    packages = {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in {"tests", "bench"}
    }
    assert packages == set(ROOMS)


def test_no_room_imports_a_room_above_it():
    assert upward_imports() == []


def test_the_walk_notices_an_upward_import_inside_a_function(tmp_path):
    room = tmp_path / "directory"
    room.mkdir()
    (room / "views.py").write_text("def view():\n    from finder.models import ShortlistEntry\n")
    found = [(lineno, name) for lineno, name, _ in _imported_rooms(room / "views.py", "directory")]
    assert found == [(2, "finder.models")]
    assert RANK["finder"] > RANK["directory"]
