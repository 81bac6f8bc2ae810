"""The HTML of a parity report: escaping, tables, figures as data URIs and the page itself.

Everything a report shows from a model folder (names, labels, sources, notes) is text a user
wrote, so it goes through :func:`esc` on its way into the page; only the fragments this module
builds itself are trusted (:class:`Html`). The page is one file: the style sheet is inline and
figures are PNG images in ``data:`` URIs, so it opens offline and can be e-mailed as it is.
"""

from __future__ import annotations

import base64
import html
import io
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from .currency import CURRENCY_SIGNS

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes



class Html(str):
    """A fragment of HTML built by this module: inserted as it is, never escaped again."""


def esc(value: object) -> Html:
    """``value`` as text safe in HTML content and in quoted attributes."""
    if isinstance(value, Html):
        return value
    return Html(html.escape("" if value is None else str(value), quote=True))


def join(parts: Iterable[object]) -> Html:
    """Fragments one after the other (text parts escaped)."""
    return Html("".join(esc(p) for p in parts))


def tag(name: str, content: object = "", **attributes: object) -> Html:
    """``<name attributes>content</name>``; ``class_`` gives the class attribute."""
    attrs = "".join(
        f' {key.rstrip("_").replace("_", "-")}="{esc(value)}"'
        for key, value in attributes.items()
        if value is not None
    )
    return Html(f"<{name}{attrs}>{esc(content)}</{name}>")


# ---- numbers ------------------------------------------------------------------------------


def money(value: float, currency: str = "GBP", decimals: int = 0) -> str:
    """``£1,234`` / ``-£1,234`` / ``USD 1,234`` for a currency without a sign; empty for NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    sign = CURRENCY_SIGNS.get(currency)
    number = f"{abs(value):,.{decimals}f}"
    minus = "-" if value < 0 and float(number.replace(",", "")) != 0 else ""
    return f"{minus}{sign}{number}" if sign else f"{minus}{currency} {number}"


def number(value: float, decimals: int = 3) -> str:
    """A number with thousands separators; empty for NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:,.{decimals}f}"


def plain(value: float) -> str:
    """A parameter value as people write it: ``14,900``, ``0.0838``, ``1.2e-05``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def share(value: float) -> str:
    """A share as a percentage with one decimal; empty for NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:.1%}"


# ---- blocks -------------------------------------------------------------------------------


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    caption: str = "",
    numeric: Iterable[int] = (),
    class_: str = "",
    row_classes: Sequence[str] | None = None,
) -> Html:
    """A table; ``numeric`` columns (by position) are right-aligned in tabular figures.

    Cells are escaped unless they are :class:`Html`.
    """
    right = set(numeric)
    head = join(
        tag("th", h, scope="col", class_="num" if i in right else None) for i, h in enumerate(headers)
    )
    body = []
    for r, row in enumerate(rows):
        cells = join(tag("td", c, class_="num" if i in right else None) for i, c in enumerate(row))
        body.append(tag("tr", cells, class_=row_classes[r] if row_classes else None))
    parts = [tag("caption", caption)] if caption else []
    parts += [tag("thead", tag("tr", head)), tag("tbody", join(body))]
    return tag("div", tag("table", join(parts), class_=class_ or None), class_="table-wrap")


def definition_list(items: Iterable[tuple[str, object]]) -> Html:
    """Label and value pairs as a two-column definition list."""
    return tag("dl", join(join([tag("dt", k), tag("dd", v)]) for k, v in items), class_="facts")


def paragraph(text: object, class_: str | None = None) -> Html:
    return tag("p", text, class_=class_)


def note(text: object) -> Html:
    """A shaded paragraph for what a reader must not miss (not configured, not shown, ...)."""
    return tag("p", text, class_="note")


def png_data_uri(draw: Callable[["Axes"], object], size: tuple[float, float] = (7.5, 4.8)) -> str:
    """Draw with ``draw(ax)`` on a new Matplotlib figure and return it as a PNG ``data:`` URI."""
    import matplotlib

    matplotlib.use("Agg")  # no window, whatever the environment
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=size)
    try:
        draw(ax)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=110)
    finally:
        plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def figure(draw: Callable[["Axes"], object], alt: str, caption: str = "",
           size: tuple[float, float] = (7.5, 4.8)) -> Html:
    """A figure with its image inline and a caption."""
    img = Html(f'<img src="{png_data_uri(draw, size)}" alt="{esc(alt)}">')
    return tag("figure", join([img, tag("figcaption", caption or alt)]))


@dataclass
class Section:
    """One section of the report: an anchor, a heading and its body."""

    anchor: str
    title: str
    body: Html

    def render(self) -> Html:
        return tag("section", join([tag("h2", self.title), self.body]), id=self.anchor)


# ---- the page -----------------------------------------------------------------------------

STYLE = """
:root { --nhs-blue: #005eb8; --dark: #212b32; --grey: #4c6272; --pale: #f0f4f5; --line: #d8dde0; }
* { box-sizing: border-box; }
body { font-family: Arial, "Helvetica Neue", Helvetica, sans-serif; color: var(--dark);
       margin: 0; line-height: 1.45; font-size: 15px; background: #fff; }
header { background: var(--nhs-blue); color: #fff; padding: 20px 32px; }
header h1 { margin: 0 0 4px; font-size: 26px; }
header p { margin: 0; opacity: 0.95; }
main { max-width: 1180px; margin: 0 auto; padding: 8px 32px 24px; }
nav { background: var(--pale); border-bottom: 1px solid var(--line); padding: 8px 32px; font-size: 14px;
      display: flex; flex-wrap: wrap; gap: 4px 16px; }
nav a { color: var(--nhs-blue); white-space: nowrap; }
h2 { color: var(--nhs-blue); border-bottom: 2px solid var(--nhs-blue); padding-bottom: 4px;
     margin-top: 34px; font-size: 21px; }
h3 { font-size: 17px; margin: 22px 0 6px; }
.table-wrap { overflow-x: auto; margin: 8px 0 16px; }
table { border-collapse: collapse; font-size: 13.5px; min-width: 40%; }
caption { text-align: left; font-weight: bold; padding: 4px 0 6px; color: var(--grey); }
th, td { border: 1px solid var(--line); padding: 5px 8px; vertical-align: top; text-align: left; }
/* Sources hold long addresses: let them break anywhere rather than widen the page. */
table.inputs td:last-child, table.replication td:last-child { overflow-wrap: anywhere; }
table.replication td:nth-child(2), table.replication td:nth-child(6) { min-width: 110px; }
table.replication { width: 100%; }
table.replication td:first-child { min-width: 220px; }
table.replication td:last-child { min-width: 260px; font-size: 12.5px; }
thead th { background: var(--pale); position: sticky; top: 0; }
tbody tr:nth-child(even) { background: #fafbfb; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
table.inputs { width: 100%; }
table.inputs td:last-child { min-width: 340px; font-size: 12.5px; }
table.inputs td.num { white-space: normal; min-width: 170px; }
.formula { font-family: Consolas, "DejaVu Sans Mono", monospace; font-size: 12px; color: var(--grey);
           text-align: left; white-space: normal; overflow-wrap: anywhere; }
.minor { color: var(--grey); font-size: 12px; margin-top: 3px; }
span.name { font-family: Consolas, "DejaVu Sans Mono", monospace; font-size: 13px; }
table.tree td:first-child { white-space: pre; font-family: Consolas, "DejaVu Sans Mono", monospace;
                            font-size: 12.5px; }
tr.dominated td { color: var(--grey); }
tr.total td { font-weight: bold; border-top: 2px solid var(--dark); }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 4px 18px; margin: 8px 0 16px; }
dl.facts dt { font-weight: bold; color: var(--grey); }
dl.facts dd { margin: 0; }
figure { margin: 14px 0 22px; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--grey); font-size: 13.5px; margin-top: 4px; max-width: 820px; }
p.note { background: #fff9c4; border-left: 4px solid #ffeb3b; padding: 8px 12px; max-width: 900px; }
.status-reproduced, .status-calibrated { color: #007f3b; font-weight: bold; }
.status-failed { color: #d5281b; font-weight: bold; }
footer { border-top: 1px solid var(--line); color: var(--grey); font-size: 12.5px;
         padding: 12px 32px 28px; max-width: 1180px; margin: 0 auto; }
footer code { word-break: break-all; }
@media print { nav { display: none; } header { background: none; color: var(--dark); }
               thead th { position: static; } section { break-inside: avoid-page; } }
"""

#: Counts the tables and the images that decoded once the page has loaded, and any script
#: error, into #report-status: a headless browser's DOM dump shows whether the page rendered.
STATUS_SCRIPT = """
(function () {
  var errors = [];
  window.addEventListener('error', function (e) { errors.push(String(e.message || e)); });
  window.addEventListener('load', function () {
    var images = Array.prototype.slice.call(document.images);
    var loaded = images.filter(function (i) { return i.complete && i.naturalWidth > 0; });
    var status = document.getElementById('report-status');
    status.setAttribute('data-tables', document.getElementsByTagName('table').length);
    status.setAttribute('data-images', images.length);
    status.setAttribute('data-images-loaded', loaded.length);
    status.setAttribute('data-errors', errors.length);
    status.textContent = errors.length ? 'errors: ' + errors.join('; ') : 'loaded';
  });
})();
"""


def page(title: str, subtitle: str, sections: Sequence[Section], footer: Html) -> str:
    """The whole report as one HTML document."""
    links = join(tag("a", s.title, href=f"#{s.anchor}") for s in sections)
    body = join(
        [
            tag("header", join([tag("h1", title), tag("p", subtitle)])),
            tag("nav", links),
            tag("main", join(s.render() for s in sections)),
            tag("footer", join([footer, tag("div", "not loaded", id="report-status", hidden="hidden")])),
        ]
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{STYLE}</style>\n"
        f"<script>{STATUS_SCRIPT}</script>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
