"""Escaping for every output format, in one place.

What a table or a case says (ids, titles, reasons, questions, values) is
shown in text, Markdown, HTML, SVG, Mermaid, DOT, JSON and the headers of
generated files. None of it may change the structure of the output: a
newline in a case id must not forge a line, ``<script>`` must not reach a
browser, a quote must not end a Mermaid title. Each renderer passes user
text through the function for its format:

- ``visible``: text and letters; control characters, line and paragraph
  separators are shown as escapes (``\\n``, ``\\x1b``, ``\\u2028``);
- ``markdown_text`` / ``markdown_code``: inline Markdown text (punctuation
  that Markdown or HTML would act on is escaped) and inline code spans;
- ``xml_text``: HTML and SVG character data and attribute values;
- ``mermaid_text``: inside a quoted Mermaid label or title;
- ``comment_text``: one line of a ``#`` comment in a generated file.
"""

from __future__ import annotations

import re
from html import escape as _html_escape

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _show(ch: str) -> str:
    code = ord(ch)
    return _NAMED.get(ch) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def visible(text: str, keep: str = "") -> str:
    """``text`` with every control character (except those in ``keep``) shown as an escape."""
    return _CONTROL.sub(lambda m: m.group() if m.group() in keep else _show(m.group()), text)


#: Inline markup characters; the text is never at the start of a line (newlines are
#: escaped), so list and heading markers need no escape.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def markdown_text(text: str) -> str:
    """Inline Markdown that shows ``text`` literally: no markup, no HTML, one line."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", visible(text))
    return escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markdown_code(text: str) -> str:
    """An inline code span showing ``text`` literally (fenced past any backtick run)."""
    shown = visible(text)
    longest = max((len(run) for run in re.findall("`+", shown)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if shown.startswith("`") or shown.endswith("`") or not shown.strip() else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def xml_text(text: str) -> str:
    """HTML/SVG character data or a quoted attribute value (control characters escaped)."""
    return _html_escape(visible(text, keep="\t\n"), quote=True)


_MERMAID = {'"': "#quot;", "<": "#lt;", ">": "#gt;", "#": "#35;", "&": "#amp;",
            "`": "#96;", "\\": "#92;", "|": "#124;", "[": "#91;", "]": "#93;",
            "{": "#123;", "}": "#125;"}


def mermaid_text(text: str) -> str:
    """Text safe inside a double-quoted Mermaid label or front-matter title."""
    return "".join(_MERMAID.get(ch, ch) for ch in visible(text))


def comment_text(text: str) -> str:
    """Text safe on one line of a ``#`` comment (no line breaks, no control characters)."""
    return visible(text)
