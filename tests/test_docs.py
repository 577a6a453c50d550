"""The documentation stays true to the code: the commands reference is the commands' own help,
every test the guarantees name exists, the README's tour prints what the commands print, links
resolve, and no page leans on a document that is not in the repository."""

import ast
import importlib.util
import re
import shlex
from pathlib import Path
from types import ModuleType

import click
import pytest
from click.testing import CliRunner

from dealtrack.cli import dealtrack

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = ROOT / "README.md"
COMMANDS_PAGE = DOCS / "commands.md"
GUARANTEES_PAGE = DOCS / "guarantees.md"
EXAMPLE = ROOT / "examples" / "tiktok-india.json"

TWO_COMMANDS = (
    "pip install . && dealtrack import examples/tiktok-india.json && dealtrack report",
    "pip install '.[test]' && python -m pytest",
)
README_MAX_LINES = 300
# `tests/test_x.py::test_name`, as the guarantees write the test that proves each promise.
TEST_NAME = re.compile(r"\b(tests/[\w/]+\.py)::(\w+)\b")
LINK = re.compile(r"\]\(([^)\s]+)\)")
# Spelled in pieces so that a search of the repository for citations does not find this file.
OUTSIDE_CITATIONS = ("DESIGN" + ".md", "\u00a7")


def documents() -> list[Path]:
    """The project's own prose: the README, the changelog, the contributing guide and docs/."""
    return [
        README,
        ROOT / "CHANGELOG.md",
        ROOT / "CONTRIBUTING.md",
        *sorted(DOCS.glob("*.md")),
        *sorted(DOCS.glob("*.py")),
    ]


def section(text: str, heading: str) -> str:
    """The body of a ``## `` section, up to the next ``## `` heading."""
    _, found, body = text.partition(f"\n{heading}\n")
    assert found, f"no {heading!r} section"
    return body.split("\n## ", 1)[0]


def fenced_blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


def load_commands_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_commands", DOCS / "commands.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def command_tree() -> list[tuple[str, click.Command]]:
    """Every command and subcommand with its full name (``dealtrack party add``)."""
    found: list[tuple[str, click.Command]] = []

    def walk(command: click.Command, title: str, parent: click.Context | None) -> None:
        found.append((title, command))
        context = click.Context(command, info_name=title.split()[-1], parent=parent)
        if isinstance(command, click.Group):
            for name in command.list_commands(context):
                subcommand = command.get_command(context, name)
                assert subcommand is not None, name
                walk(subcommand, f"{title} {name}", context)

    walk(dealtrack, "dealtrack", None)
    return found


def test_the_commands_reference_is_the_commands_own_help() -> None:
    page = COMMANDS_PAGE.read_text(encoding="utf-8")
    wanted = load_commands_generator().render(page)
    assert page == wanted, "docs/commands.md is stale; run: python docs/commands.py"


def test_every_command_and_option_appears_in_the_commands_reference() -> None:
    page = COMMANDS_PAGE.read_text(encoding="utf-8")
    sections = {
        chunk.split("\n", 1)[0]: chunk for chunk in re.split(r"^### ", page, flags=re.MULTILINE)
    }
    tree = command_tree()
    assert len(tree) >= 26
    missing = []
    for title, command in tree:
        body = sections.get(title)
        if body is None:
            missing.append(title)
            continue
        for param in command.params:
            if isinstance(param, click.Option):
                missing += [f"{title} {opt}" for opt in param.opts if opt not in body]
    assert missing == []


def defined_tests(path: Path) -> set[str]:
    """The test functions a file defines, at module level or in a test class."""
    if not path.is_file():
        return set()
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
    return {name for name in names if name.startswith("test")}


def test_every_test_the_documents_name_exists() -> None:
    named = {
        (path, name)
        for document in documents()
        if document.is_file()
        for path, name in TEST_NAME.findall(document.read_text(encoding="utf-8"))
    }
    assert len(named) >= 50
    missing = sorted(
        f"{path}::{name}" for path, name in named if name not in defined_tests(ROOT / path)
    )
    assert missing == []


def test_every_guarantee_names_the_tests_that_prove_it() -> None:
    rows = [
        line
        for line in GUARANTEES_PAGE.read_text(encoding="utf-8").splitlines()
        if line.startswith("| ") and not line.startswith("| promise |")
    ]
    assert len(rows) >= 25
    assert [row for row in rows if not TEST_NAME.search(row.rsplit(" | ", 1)[-1])] == []


def test_the_readme_opens_with_the_two_commands_and_stays_short() -> None:
    text = README.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert len(lines) <= README_MAX_LINES
    assert lines[0] == "# dealtrack"
    headings = [line for line in lines if line.startswith("## ")]
    assert headings[0] == "## The two commands"
    assert lines.index("## The two commands") <= 5
    commands = [
        block.strip() for block in fenced_blocks(section(text, "## The two commands"), "sh")
    ]
    assert commands == list(TWO_COMMANDS)


def console_sessions(text: str) -> list[tuple[list[str], str]]:
    """Each ``$ dealtrack …`` line of the console blocks with the output printed under it."""
    sessions: list[tuple[list[str], list[str]]] = []
    for block in fenced_blocks(text, "console"):
        for line in block.splitlines():
            if line.startswith("$ "):
                argv = shlex.split(line[2:], comments=True)
                assert argv[0] == "dealtrack", line
                sessions.append((argv[1:], []))
            else:
                sessions[-1][1].append(line)
    return [(argv, "\n".join(output).rstrip("\n")) for argv, output in sessions]


def test_the_readme_tour_prints_what_the_commands_print(tmp_path: Path) -> None:
    ledger = str(tmp_path / "ledger.db")
    runner = CliRunner()
    imported = runner.invoke(dealtrack, ["--db", ledger, "import", str(EXAMPLE)])
    assert imported.exit_code == 0, imported.output
    sessions = console_sessions(section(README.read_text(encoding="utf-8"), "## A tour"))
    assert len(sessions) >= 7
    for argv, expected in sessions:
        result = runner.invoke(dealtrack, ["--db", ledger, *argv])
        assert (argv, result.output.rstrip("\n")) == (argv, expected)


def anchors(page: Path) -> set[str]:
    """The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces to -."""
    found = set()
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") and not line.startswith("#!"):
            title = line.lstrip("#").strip().lower()
            found.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return found


def test_links_between_documents_resolve() -> None:
    broken = []
    for document in documents():
        if document.suffix != ".md" or not document.is_file():
            continue
        for target in LINK.findall(document.read_text(encoding="utf-8")):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            path, _, anchor = target.partition("#")
            linked = (document.parent / path).resolve() if path else document
            if not linked.exists() or (anchor and anchor not in anchors(linked)):
                broken.append(f"{document.relative_to(ROOT)}: {target}")
    assert broken == []


@pytest.mark.parametrize("document", documents(), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_document_cites_a_document_outside_the_repository(document: Path) -> None:
    assert document.is_file()
    citing = [
        f"{number}: {line}"
        for number, line in enumerate(document.read_text(encoding="utf-8").splitlines(), 1)
        if any(citation in line for citation in OUTSIDE_CITATIONS)
    ]
    assert citing == []
