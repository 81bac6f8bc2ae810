"""The ``notebook-list`` directive: the notebooks in notebooks/, each with its title and opening
paragraph, read from the notebook itself so that the list cannot fall behind the folder."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective


def title_and_summary(notebook: Path) -> tuple[str, str]:
    """The first heading of the notebook's first Markdown cell and the paragraph after it."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    text = next("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")
    blocks = [block.strip() for block in text.split("\n\n") if block.strip()]
    title = blocks[0].lstrip("#").strip() if blocks and blocks[0].startswith("#") else notebook.stem
    summary = next((block for block in blocks[1:] if not block.startswith(("#", "|", "-", "```"))), "")
    return title, " ".join(summary.split())


class NotebookList(SphinxDirective):
    """A bullet list of notebooks/*.ipynb (the folder is the argument, relative to this page)."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        page_folder = Path(self.env.doc2path(self.env.docname)).parent
        folder = (page_folder / self.arguments[0]).resolve()
        notebooks = sorted(folder.glob("*.ipynb"))
        if not notebooks:
            raise self.error(f"no notebooks in {folder}")
        lines = []
        for notebook in notebooks:
            self.env.note_dependency(str(notebook))
            title, summary = title_and_summary(notebook)
            link = Path(os.path.relpath(notebook, page_folder)).as_posix()
            lines += [f"- [**{title}**]({link}) (`notebooks/{notebook.name}`): {summary}", ""]
        container = nodes.container()
        self.state.nested_parse(StringList(lines, source=self.get_source_info()[0]), self.content_offset, container)
        return container.children


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("notebook-list", NotebookList)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
