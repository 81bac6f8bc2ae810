"""Fenced code blocks of a Markdown (MyST) page, in order, for tests that run a page's examples.

A block is ```` ```bash ````, ```` ```python ```` or a MyST directive such as
```` ```{code-block} text ```` whose ``:caption:`` option names a file the page asks the reader to
write. Options are the ``:key: value`` lines at the top of a directive block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})\s*(?P<info>.*)$")
OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*)$")
DIRECTIVE = re.compile(r"^\{(?P<name>[\w-]+)\}\s*(?P<argument>.*)$")


@dataclass
class Block:
    """One fenced block: its language (or the directive's argument), options and text."""

    path: Path
    line: int  # of the opening fence, 1-based
    language: str
    code: str
    options: dict[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.path.name}:{self.line}"


def split_directive(info: str, body: list[str]) -> tuple[str, dict[str, str], list[str]]:
    """The language, options and content of a block whose info string is ``info``."""
    directive = DIRECTIVE.match(info)
    if directive is None:
        return info.split()[0] if info.split() else "", {}, body
    options: dict[str, str] = {}
    rest = list(body)
    while rest and (option := OPTION.match(rest[0])):
        options[option["key"]] = option["value"].strip()
        rest.pop(0)
    if rest and not rest[0].strip():
        rest.pop(0)
    return directive["argument"].strip(), options, rest


def code_blocks(path: Path) -> list[Block]:
    """Every fenced block of the page at ``path``, in the order they appear."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        fence, start = opening["fence"], i
        i += 1
        body = []
        while i < len(lines) and not (lines[i].startswith(fence) and not lines[i].strip(fence[0]).strip()):
            body.append(lines[i])
            i += 1
        if i == len(lines):
            raise ValueError(f"{path.name}:{start + 1}: code block never closed")
        language, options, content = split_directive(opening["info"].strip(), body)
        blocks.append(Block(path, start + 1, language, "\n".join(content) + "\n", options))
        i += 1
    return blocks
