"""The HTML of a draft's body: cleaned to what the Party-document renderer prints, and
read back as plain text for diffs between versions and for search.

Two layers. ``nh3`` (Rust ammonia over html5ever, the HTML5 parser browsers follow) is
the security boundary: it parses whatever the browser posted, drops scripts, styles,
comments (Word's conditional ``<!--[if mso]>`` blocks too), event handlers, links,
images, frames and every attribute but ``colspan``/``rowspan`` and ``text-align``.
Its output is well formed, so a small tree pass then gives the body its shape: the
exact elements below, ``b``/``i`` as ``strong``/``em``, no empty paragraphs, text at
the top level in paragraphs, one ``thead`` and one ``tbody`` per table. A few block
elements the renderer does not print (``div``, ``h1``, ``blockquote``, Word's and
Google Docs' wrappers, ...) pass nh3 only so that the tree pass can turn them into
paragraphs and headings; stripped by nh3 they would glue the text of neighbouring
blocks into one run. Nothing outside ``OUTPUT_TAGS`` is ever written back.

The output is a fixed point: ``clean_body(clean_body(x)) == clean_body(x)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

import nh3

INLINE_TAGS = frozenset({"strong", "em", "u", "br"})
BLOCK_TAGS = frozenset({"p", "h2", "h3", "h4", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td"})
#: Exactly what clean_body writes (and what the Party-document renderer supports).
OUTPUT_TAGS = INLINE_TAGS | BLOCK_TAGS
ALIGNMENTS = frozenset({"left", "center", "right", "justify"})
_ALIGNABLE = frozenset({"p", "h2", "h3", "h4", "td", "th"})

# Read from the input as other elements (nh3 keeps these, the tree pass renames them).
_RENAMED = {"b": "strong", "i": "em", "h1": "h2", "h5": "h4", "h6": "h4"}
# Blocks that become a paragraph when they hold only text, and are unwrapped (their
# blocks kept) when they hold blocks.
_GENERIC_BLOCKS = frozenset(
    {
        "div",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "aside",
        "nav",
        "blockquote",
        "address",
        "center",
        "figure",
        "figcaption",
        "pre",
        "dl",
        "dt",
        "dd",
        "caption",
        "tfoot",
        "hr",
    }
)
_NH3_TAGS = OUTPUT_TAGS | set(_RENAMED) | _GENERIC_BLOCKS
_ALIGN_ATTRS = {"style", "align"}
_NH3_ATTRIBUTES: dict[str, set[str]] = {
    **{tag: set(_ALIGN_ATTRS) for tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", *_GENERIC_BLOCKS)},
    "td": {"colspan", "rowspan", *_ALIGN_ATTRS},
    "th": {"colspan", "rowspan", *_ALIGN_ATTRS},
}
# Removed with everything inside them (nh3 keeps the text of other unknown elements).
_NH3_DROP_CONTENT = {
    "script",
    "style",
    "title",
    "xml",
    "template",
    "noscript",
    "textarea",
    "select",
    "object",
    "iframe",
    "svg",
    "math",
}
_VOID = frozenset({"br", "hr"})
_MAX_SPAN = 1000

_HTML_START = re.compile(r"<[A-Za-z/!?]")
_SPACES = re.compile(r"[ \t\n\r\f]+")
_TEXT_ALIGN = re.compile(r"(?:^|;)\s*text-align\s*:\s*([A-Za-z-]+)", re.IGNORECASE)


@dataclass
class _Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[_Node] = field(default_factory=list)


_Node = str | _Element


# --- public functions -------------------------------------------------------------


def clean_body(html: str) -> str:
    """The body as the editor may store it: safe, in the allowed elements only, each
    top-level block on its own line. Text without any markup (typed into the bare
    textarea when JavaScript is off) becomes one paragraph per non-empty line."""
    return _serialize(_body_tree(html))


def body_text(html: str) -> str:
    """Readable plain text of a body: paragraphs and headings on their own lines, list
    items as ``- item`` (nested ones indented by two spaces), table rows as their cells
    joined by `` | ``. The same for any two bodies that clean to the same HTML."""
    return "\n".join(_lines(_body_tree(html)))


# --- parsing ------------------------------------------------------------------------


def _body_tree(html: str) -> list[_Node]:
    if not _HTML_START.search(html):
        html = "".join(f"<p>{_escape(line)}</p>" for line in html.splitlines() if line.strip())
    safe = nh3.clean(
        html,
        tags=_NH3_TAGS,
        clean_content_tags=_NH3_DROP_CONTENT,
        attributes=_NH3_ATTRIBUTES,
        filter_style_properties={"text-align"},
        strip_comments=True,
        link_rel=None,
        url_schemes=set(),
    )
    builder = _TreeBuilder()
    builder.feed(safe)
    builder.close()
    return _blocks(builder.root.children, top=True)


class _TreeBuilder(HTMLParser):
    """nh3's output is serialized from a tree with every non-void element closed, so
    a stack rebuilds that tree exactly."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Element("#root")
        self._stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = _Element(tag, {name: value or "" for name, value in attrs})
        self._stack[-1].children.append(element)
        if tag not in _VOID:
            self._stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._stack[-1].children.append(_Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._stack) - 1, 0, -1):
            if self._stack[depth].tag == tag:
                del self._stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        children = self._stack[-1].children
        if children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)


# --- the shape of the body ----------------------------------------------------------


def _tag(node: _Node) -> str | None:
    return None if isinstance(node, str) else _RENAMED.get(node.tag, node.tag)


def _is_inline(node: _Node) -> bool:
    tag = _tag(node)
    return tag is None or (tag in INLINE_TAGS and not _holds_block(node))


def _holds_block(node: _Node) -> bool:
    return isinstance(node, _Element) and any(
        isinstance(child, _Element) and not _is_inline(child) for child in node.children
    )


def _flattened(nodes: Iterable[_Node]) -> Iterator[_Node]:
    """The nodes, with inline elements, paragraphs, headings and wrappers that hold
    blocks replaced by their children (a block cannot sit in a paragraph), and table
    parts found outside a table unwrapped."""
    for node in nodes:
        tag = _tag(node)
        if isinstance(node, _Element) and (
            tag in {"thead", "tbody", "tfoot", "tr", "dl"}
            or (tag not in {"ul", "ol", "table"} and _holds_block(node))
        ):
            yield from _flattened(node.children)
        else:
            yield node


def _blocks(nodes: Iterable[_Node], *, top: bool) -> list[_Node]:
    """Content where blocks may stand: the body (``top``: runs of text become
    paragraphs) or a list item or table cell (runs of text stay as they are)."""
    out: list[_Node] = []
    run: list[_Node] = []

    def flush() -> None:
        content = _trimmed(_inline(run))
        run.clear()
        if not _has_text(content):
            return
        if top:
            out.append(_Element("p", {}, content))
            return
        if out and _is_inline(out[-1]):  # two runs once parted by a dropped block
            out.append(_Element("br"))
        out.extend(content)

    for node in _flattened(nodes):
        if _is_inline(node):
            run.append(node)
            continue
        flush()
        out.extend(_block(node))
    flush()
    return out


def _block(element: _Node) -> list[_Node]:
    assert isinstance(element, _Element)
    tag = _tag(element)
    if tag == "hr":
        return []
    if tag in {"ul", "ol"}:
        return _list(element, tag)
    if tag == "table":
        return _table(element)
    # p, h2-h4, and anything else holding only text (div, li outside a list, ...).
    children = element.children
    if tag == "pre":
        children = [part for child in children for part in _pre_lines(child)]
    content = _trimmed(_inline(children))
    if not _has_text(content):
        return []
    out_tag = tag if tag in {"p", "h2", "h3", "h4"} else "p"
    return [_Element(out_tag, _alignment(element), content)]


def _pre_lines(node: _Node) -> list[_Node]:
    if not isinstance(node, str):
        return [node]
    lines: list[_Node] = []
    for number, line in enumerate(node.split("\n")):
        if number:
            lines.append(_Element("br"))
        lines.append(line)
    return lines


def _list(element: _Element, tag: str) -> list[_Node]:
    items: list[_Element] = []
    loose: _Element | None = None  # text or blocks sitting directly in the list
    for child in element.children:
        child_tag = _tag(child)
        if child_tag == "li":
            assert isinstance(child, _Element)
            items.append(child)
            loose = None
        elif child_tag in {"ul", "ol"} and items:  # a nested list belongs to the item above
            items[-1].children.append(child)
        elif isinstance(child, str) and not child.strip(" \t\n\r\f"):
            continue
        else:
            if loose is None:
                loose = _Element("li")
                items.append(loose)
            loose.children.append(child)
    kept = []
    for item in items:
        content = _blocks(item.children, top=False)
        if _has_text(content):
            kept.append(_Element("li", {}, content))
    return [_Element(tag, {}, list(kept))] if kept else []


def _table(element: _Element) -> list[_Node]:
    before: list[_Node] = []  # the caption, as paragraphs above the table
    head: list[_Node] = []
    body: list[_Node] = []

    def collect(node: _Element, rows: list[_Node]) -> None:
        for child in node.children:
            if isinstance(child, str):
                continue
            tag = _tag(child)
            if tag == "tr":
                row = _row(child)
                if row is not None:
                    rows.append(row)
            elif tag == "caption":
                before.extend(_blocks(child.children, top=True))
            elif tag == "thead":
                collect(child, head)
            elif tag == "table":  # a table nested outside any cell cannot be parsed; kept
                before.extend(_table(child))
            else:  # tbody, tfoot, anything else wrapping rows
                collect(child, rows)

    collect(element, body)
    parts: list[_Node] = []
    if head:
        parts.append(_Element("thead", {}, head))
    if body:
        parts.append(_Element("tbody", {}, body))
    return [*before, _Element("table", {}, parts)] if parts else before


def _row(element: _Element) -> _Element | None:
    cells: list[_Node] = []

    def collect(node: _Element) -> None:
        for child in node.children:
            if isinstance(child, str):
                continue
            if _tag(child) in {"td", "th"}:
                cells.append(_cell(child))
            else:
                collect(child)

    collect(element)
    return _Element("tr", {}, cells) if cells else None


def _cell(element: _Element) -> _Element:
    attrs = {}
    for name in ("colspan", "rowspan"):
        value = element.attrs.get(name, "").strip()
        if value.isascii() and value.isdigit() and 1 < int(value) <= _MAX_SPAN:
            attrs[name] = str(int(value))
    attrs.update(_alignment(element))
    content = _blocks(element.children, top=False)
    tag = _tag(element)
    assert tag is not None
    return _Element(tag, attrs, content if _has_text(content) else [])


def _alignment(element: _Element) -> dict[str, str]:
    if _tag(element) not in _ALIGNABLE and _tag(element) not in _GENERIC_BLOCKS:
        return {}
    match = _TEXT_ALIGN.search(element.attrs.get("style", ""))
    value = (match.group(1) if match else element.attrs.get("align", "")).strip().lower()
    return {"style": f"text-align: {value};"} if value in ALIGNMENTS else {}


def _inline(nodes: Iterable[_Node], inside: frozenset[str] = frozenset()) -> list[_Node]:
    """Text and inline elements: whitespace collapsed as a browser shows it, empty
    elements dropped, an element inside the same element unwrapped."""
    out: list[_Node] = []

    def add(node: _Node) -> None:
        if isinstance(node, str):
            if out and isinstance(out[-1], str):
                out[-1] = _SPACES.sub(" ", out[-1] + node)
            elif node:
                out.append(node)
        else:
            out.append(node)

    for node in nodes:
        tag = _tag(node)
        if isinstance(node, str):
            add(_SPACES.sub(" ", node))
        elif tag == "br":
            add(_Element("br"))
        elif tag in INLINE_TAGS:
            assert tag is not None
            content = _inline(node.children, inside | {tag})
            if tag in inside or not _has_text(content):
                for part in content:
                    add(part)
            else:
                add(_Element(tag, {}, content))
        else:  # a block element here was flattened earlier: keep its text
            for part in _inline(node.children, inside):
                add(part)
    return out


def _trimmed(nodes: list[_Node]) -> list[_Node]:
    """No whitespace at the start or end of a block, no line break at its end."""
    nodes = list(nodes)
    while nodes and (_tag(nodes[-1]) == "br" or (isinstance(nodes[-1], str) and not nodes[-1].strip(" "))):
        nodes.pop()
    while nodes and isinstance(nodes[0], str) and not nodes[0].strip(" "):
        nodes.pop(0)
    if nodes and isinstance(nodes[0], str):
        nodes[0] = nodes[0].lstrip(" ")
    if nodes and isinstance(nodes[-1], str):
        nodes[-1] = nodes[-1].rstrip(" ")
    return nodes


def _has_text(nodes: Iterable[_Node]) -> bool:
    """Something a reader sees: a character other than spaces (no-break spaces count
    as spaces: Word's and the editor's "empty" paragraphs hold one), or a table."""
    for node in nodes:
        if isinstance(node, str):
            if node.strip(" \t\n\r\f\xa0"):
                return True
        elif node.tag == "table" or _has_text(node.children):
            return True
    return False


# --- writing --------------------------------------------------------------------------


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\xa0", "&nbsp;")


def _serialize(nodes: list[_Node]) -> str:
    return "\n".join(_write(node) for node in nodes)


def _write(node: _Node) -> str:
    if isinstance(node, str):
        return _escape(node)
    if node.tag == "br":
        return "<br>"
    attrs = "".join(
        f' {name}="{_escape(value).replace(chr(34), "&quot;")}"' for name, value in sorted(node.attrs.items())
    )
    return f"<{node.tag}{attrs}>{''.join(_write(child) for child in node.children)}</{node.tag}>"


# --- plain text -------------------------------------------------------------------


def _lines(nodes: list[_Node]) -> list[str]:
    lines: list[str] = []
    run: list[_Node] = []

    def flush() -> None:
        lines.extend(_inline_lines(run))
        run.clear()

    for node in nodes:
        if _is_inline(node):
            run.append(node)
            continue
        flush()
        assert isinstance(node, _Element)
        if node.tag in {"ul", "ol"}:
            for item in node.children:
                assert isinstance(item, _Element)
                item_lines = _lines(item.children) or [""]
                lines.append(f"- {item_lines[0]}")
                lines.extend(f"  {line}" for line in item_lines[1:])
        elif node.tag == "table":
            for part in node.children:
                assert isinstance(part, _Element)
                for row in part.children:
                    assert isinstance(row, _Element)
                    cells = (" ".join(_lines(cell.children)) for cell in _elements(row.children))
                    lines.append(" | ".join(cells).rstrip())
        else:
            lines.extend(_inline_lines(node.children))
    flush()
    return lines


def _elements(nodes: list[_Node]) -> list[_Element]:
    return [node for node in nodes if isinstance(node, _Element)]


def _inline_lines(nodes: list[_Node]) -> list[str]:
    """A run of text as lines: a line break starts a new one."""
    text = "".join(_inline_text(node) for node in nodes)
    lines = (_SPACES.sub(" ", line.replace("\xa0", " ")).strip() for line in text.split("\n"))
    return [line for line in lines if line]


def _inline_text(node: _Node) -> str:
    if isinstance(node, str):
        return node.replace("\n", " ")
    if node.tag == "br":
        return "\n"
    return "".join(_inline_text(child) for child in node.children)
