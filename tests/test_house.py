"""ruff, mypy and the import contracts are part of the suite, so a lint failure is a red CI."""

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "src", "tests"],
        ["ruff", "format", "--check", "src", "tests"],
        ["mypy", "--config-file", "pyproject.toml", "src/quotedeck"],
        ["lint-imports", "--config", "pyproject.toml"],
    ],
    ids=["ruff", "ruff-format", "mypy", "import-layers"],
)
def test_linter_is_clean(command: list[str]) -> None:
    tool = shutil.which(command[0], path=str(Path(sys.executable).parent)) or shutil.which(command[0])
    assert tool, f"{command[0]} is not installed: pip install '.[test]'"
    result = subprocess.run([tool, *command[1:]], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def listed_modules(readme: str) -> set[str]:
    """The README's module map, as paths below src/quotedeck: nesting by indentation."""
    block = re.search(r"```text\nsrc/quotedeck/\n(.*?)```", readme, re.S)
    assert block, "the README has no module map"
    found, folders = set(), []
    for line in block.group(1).splitlines():
        name = line.split()[0]
        depth = (len(line) - len(line.lstrip())) // 2 - 1
        folders = folders[:depth]
        found.add("/".join([*folders, name.rstrip("/")]))
        if name.endswith("/"):
            folders.append(name.rstrip("/"))
    return found


def real_modules() -> set[str]:
    package = ROOT / "src" / "quotedeck"
    found = set()
    for path in package.rglob("*"):
        relative = path.relative_to(package)
        if "__pycache__" in relative.parts or "templates" in relative.parts[:-1] or path.name == "py.typed":
            continue
        if path.name in ("__init__.py", "__main__.py") or path.suffix in (".html", ".css"):
            continue
        found.add(relative.as_posix())
    return found


def test_the_readme_module_map_is_the_real_listing() -> None:
    assert listed_modules((ROOT / "README.md").read_text(encoding="utf-8")) == real_modules()


def test_every_module_and_public_function_or_class_says_what_it_is() -> None:
    """A newcomer enters by these: each has a docstring, each package says what it may import."""
    missing = []
    for path in sorted((ROOT / "src" / "quotedeck").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        name = path.relative_to(ROOT / "src").as_posix()
        if not ast.get_docstring(tree):
            missing.append(name)
        missing += [
            f"{name}:{node.lineno} {node.name}"
            for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.ClassDef)
            and not node.name.startswith("_")
            and not ast.get_docstring(node)
        ]
    assert missing == []
