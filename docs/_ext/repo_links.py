"""Links from the documentation to Markdown files and folders of the repository outside docs/.

The pages link to model folders' READMEs and to notebooks/ with paths relative to the page
(``../params/sick_sicker/README.md``) so that they work when read on a code host. Sphinx builds
only docs/, so MyST would report such a link as an unknown document. This post-transform runs
before MyST resolves links and shows each of them as the file's repository path in code style
(``params/sick_sicker/README.md``). A link to a path that does not exist is left to MyST, which
reports it, so broken links still fail the build; so are links to other existing files (CSV
files, notebooks), which MyST copies into the site as downloads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform


def link_path(srcdir: Path, node: addnodes.pending_xref) -> Optional[Path]:
    """The absolute path a MyST link points at, or None for a link that is not a path.

    MyST gives a link to a Markdown file as a document name: the path relative to docs/ without
    its suffix, or an absolute path when it leaves docs/. Any other link (to a folder, or in a
    file included from outside docs/ such as the README) is relative to the file it is written
    in."""
    target = node.get("reftarget", "")
    if node.get("reftype") != "myst" or not target or "://" in target or target.startswith("#"):
        return None
    if Path(target).is_absolute():
        return Path(target).resolve()
    if node.get("refdomain") == "doc":
        return (srcdir / target).resolve()
    source = node.source or (node.parent.source if node.parent is not None else None)
    base = Path(source).parent if source else srcdir / Path(node.get("refdoc", "")).parent
    return (base / target.split("#", 1)[0]).resolve()


def existing(path: Path) -> Optional[Path]:
    """The file or folder a target names: as given, or a document name with .md added."""
    for candidate in (path, path.with_name(path.name + ".md")):
        if candidate.exists():
            return candidate
    return None


class RepositoryLinks(SphinxPostTransform):
    """Turn links that leave docs/ into repository paths in code style."""

    default_priority = 5  # before MyST's reference resolver (9)

    def run(self, **kwargs: Any) -> None:
        srcdir = Path(self.app.srcdir).resolve()
        root = srcdir.parent
        for node in list(self.document.findall(addnodes.pending_xref)):
            path = link_path(srcdir, node)
            if path is None or path == srcdir or srcdir in path.parents:
                continue
            found = existing(path)
            if found is not None and found.is_file() and found.suffix != ".md":
                continue  # MyST copies it into the site as a download
            if found is None or root not in found.parents:
                continue  # a label, or a broken link: MyST resolves or reports it
            shown = found.relative_to(root).as_posix() + ("/" if found.is_dir() else "")
            text = node.astext()
            literal = nodes.literal(shown, shown, classes=["repo-path"])
            if text.strip("`/ ") in (shown.rstrip("/"), found.parent.relative_to(root).as_posix()):
                node.replace_self(literal)
            else:
                node.replace_self(nodes.inline("", "", nodes.Text(text + " ("), literal, nodes.Text(")")))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_post_transform(RepositoryLinks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
