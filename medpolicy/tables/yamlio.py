"""Reading YAML (and JSON) with line and column marks and strict rules.

Files are read as strict UTF-8 and parsed with a ``yaml.SafeLoader`` subclass
that

- keeps the position of every node: mappings become ``YamlMap`` (a dict that
  knows where each key and value is), sequences ``YamlList``;
- rejects duplicate keys, naming both lines;
- resolves plain scalars as YAML 1.2 does, not YAML 1.1: only ``true``/``false``
  are booleans (``yes``, ``no``, ``on``, ``off`` stay text), integers have no
  leading zeros (``00100`` stays the text ``"00100"``, as a CPT code should),
  and dates stay text.

JSON is YAML, so JSON case files go through the same loader and get line
numbers too (tabs between JSON tokens are allowed there).

Every failure is a ``LoadError`` whose problem names ``file:line:column`` and
says in plain words what is wrong.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from medpolicy.errors import LoadError, Location, single
from medpolicy.tables.inputlimits import (
    FILE_BYTES_VARIABLE,
    bad_character,
    max_file_bytes,
    too_many_digits,
)
from medpolicy.tables.yamlerrors import plain_problem


@dataclass(frozen=True)
class Span:
    """Where a node is: 1-based line and column, character range, scalar style.

    ``file`` names the file a node came from when it differs from its
    document's (the layers of an overlay, ``tables.overlay``).
    """

    line: int
    column: int
    start: int
    end: int
    style: str | None = None
    file: str | None = None


class YamlMap(dict[object, object]):
    """A mapping that remembers where each of its keys and values is."""

    def __init__(self, span: Span) -> None:
        super().__init__()
        self.span = span
        self.key_spans: dict[object, Span] = {}
        self.value_spans: dict[object, Span] = {}


class YamlList(list[object]):
    """A sequence that remembers where each of its items is."""

    def __init__(self, span: Span) -> None:
        super().__init__()
        self.span = span
        self.item_spans: list[Span] = []


@dataclass(frozen=True)
class Document:
    """A parsed file: its name, its text and the root node's value."""

    file: str
    text: str
    root: object
    #: The text of every other file a node of ``root`` came from (overlay layers).
    sources: Mapping[str, str] = field(default_factory=dict)
    #: The layer files read from disk: only their ``file:`` value sets are read, beside
    #: them. Text from memory (the service) is in none, so it never reads a file.
    readable: frozenset[str] = frozenset()

    def position(self, span: Span, value: str, offset: int) -> tuple[int, int]:
        """Line and column of character ``offset`` of the scalar ``value`` at ``span``.

        Works for plain, quoted, folded and multi-line scalars: the k-th
        non-blank character of the value is the k-th non-blank character of
        its source text (after an opening quote or a block header).
        """
        text = self.sources.get(span.file, self.text) if span.file else self.text
        raw = text[span.start : span.end]
        skip = 0
        if span.style in ("'", '"'):
            skip = 1
        elif span.style in ("|", ">"):
            skip = raw.find("\n") + 1
        wanted = sum(1 for ch in value[:offset] if not ch.isspace())
        seen = 0
        index = span.start + skip
        for i in range(skip, len(raw)):
            if raw[i].isspace():
                continue
            if seen == wanted:
                index = span.start + i
                break
            seen += 1
            index = span.start + i + 1
        starts = self._line_starts[text] if text is not self.text else self._own_starts
        line = bisect_right(starts, index)
        return line, index - starts[line - 1] + 1

    @cached_property
    def _own_starts(self) -> list[int]:
        """Offsets where each line of this file begins (one scan, then a bisection a position)."""
        return _line_starts(self.text)

    @cached_property
    def _line_starts(self) -> dict[str, list[int]]:
        """The same for each layer's text a span may come from."""
        return {text: _line_starts(text) for text in self.sources.values()}


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer("\n", text))]


def _span(node: Node) -> Span:
    start, end = node.start_mark, node.end_mark
    style = node.style if isinstance(node, ScalarNode) and node.style else None
    return Span(start.line + 1, start.column + 1, start.index, end.index, style)


class StrictLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 scalars, duplicate-key errors and node marks."""

    yaml_implicit_resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}  # noqa: RUF012

    def construct_yaml_map_marked(self, node: MappingNode) -> Iterator[YamlMap]:
        data = YamlMap(_span(node))
        yield data
        self._fill_map(data, node)

    def construct_yaml_seq_marked(self, node: SequenceNode) -> Iterator[YamlList]:
        data = YamlList(_span(node))
        yield data
        for child in node.value:
            data.append(self.construct_object(child, deep=True))
            data.item_spans.append(_span(child))

    def _fill_map(self, data: YamlMap, node: MappingNode) -> None:
        first: dict[object, Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self._key(key_node, node)
            if key in first:
                raise ConstructorError(
                    None,
                    None,
                    f"duplicate key '{key}' (first defined on line "
                    f"{first[key].start_mark.line + 1}, again on line "
                    f"{key_node.start_mark.line + 1})",
                    key_node.start_mark,
                )
            first[key] = key_node
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self._key(key_node, node)
            data[key] = self.construct_object(value_node, deep=True)
            data.key_spans[key] = _span(key_node)
            data.value_spans[key] = _span(value_node)

    def construct_bounded_int(self, node: ScalarNode) -> int:
        _check_digits(node)
        return int(self.construct_scalar(node))

    def construct_checked_str(self, node: ScalarNode) -> str:
        text = str(self.construct_scalar(node))
        problem = bad_character(text)
        if problem is not None:
            raise ConstructorError(None, None, problem, node.start_mark)
        return text

    def _key(self, key_node: Node, node: MappingNode) -> object:
        key = self.construct_object(key_node, deep=True)
        if isinstance(key, YamlMap | YamlList):
            raise ConstructorError(
                None, None, "a key must be a plain name, not a list or mapping", key_node.start_mark
            )
        return key


def _check_digits(node: ScalarNode) -> None:
    problem = too_many_digits(str(node.value))
    if problem is not None:
        raise ConstructorError(None, None, problem, node.start_mark)


def _construct_number(loader: StrictLoader, node: Node) -> object:
    """A YAML float as an exact Decimal of its text (so no decimal is ever rounded)."""
    assert isinstance(node, ScalarNode)
    _check_digits(node)
    text = str(loader.construct_scalar(node))
    try:
        value = Decimal(text)
    except InvalidOperation:
        return loader.construct_yaml_float(node)
    return value if value.is_finite() else loader.construct_yaml_float(node)


StrictLoader.add_constructor("tag:yaml.org,2002:int", StrictLoader.construct_bounded_int)
StrictLoader.add_constructor("tag:yaml.org,2002:float", _construct_number)
StrictLoader.add_constructor("tag:yaml.org,2002:str", StrictLoader.construct_checked_str)
StrictLoader.add_constructor("tag:yaml.org,2002:map", StrictLoader.construct_yaml_map_marked)
StrictLoader.add_constructor("tag:yaml.org,2002:seq", StrictLoader.construct_yaml_seq_marked)
for _tag, _pattern, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^-?(?:0|[1-9][0-9]*)$", "-0123456789"),
    (
        "float",
        r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]*(?:[eE][-+]?[0-9]+)?|[eE][-+]?[0-9]+)$"
        r"|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$",
        "-+.0123456789",
    ),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("merge", r"^(?:<<)$", "<"),
):
    StrictLoader.add_implicit_resolver(
        f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), list(_first)
    )


#: (words in PyYAML's problem, more words it must contain, plain message,
#: whether to point at where the construct started rather than where it broke)
def _line_column(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _json_tabs_to_spaces(text: str) -> str:
    """Tabs between JSON tokens as spaces (YAML forbids them); strings untouched."""
    out = []
    in_string = escaped = False
    for ch in text:
        if in_string:
            escaped = ch == "\\" and not escaped
            in_string = ch != '"' or escaped
        elif ch == '"':
            in_string = True
        elif ch == "\t":
            ch = " "
        out.append(ch)
    return "".join(out)


def parse_text(text: str, file: str = "<memory>") -> Document:
    """Parse YAML (or JSON) text into a Document; raises LoadError."""
    source = _json_tabs_to_spaces(text) if file.endswith(".json") else text
    from medpolicy.tables.yamlfast import fast_load  # needs StrictLoader, defined above

    done, root = fast_load(source)
    try:
        if not done:
            root = yaml.load(source, Loader=StrictLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        raise LoadError(plain_problem(error, file)) from None
    except RecursionError:
        raise LoadError(
            single(Location(file), "the file nests lists or mappings too deeply to read")
        ) from None
    except yaml.reader.ReaderError as error:
        line, column = _line_column(text, error.position)
        raise LoadError(
            single(
                Location(file, line, column),
                f"the file contains the control character {error.character!r}, "
                "which YAML does not allow",
            )
        ) from None
    if root is None:
        raise LoadError(
            single(
                Location(file, 1, 1),
                "the file is empty",
                expected="a mapping of keys and values",
                found="no data",
            )
        )
    return Document(file, text, root)


def read_bytes(path: Path, file: str | None = None) -> bytes:
    """The bytes of a file; raises LoadError naming it when it cannot be read."""
    name = file or str(path)
    limit = max_file_bytes()
    try:
        if str(path) == "-":  # standard input, read once
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with path.open("rb") as stream:
                data = stream.read(limit + 1)
        if len(data) > limit:
            message = (f"the file is larger than {limit:,} bytes; "
                       f"raise the limit with {FILE_BYTES_VARIABLE}")
            raise LoadError(single(Location(name), message))
        return data
    except FileNotFoundError:
        message = "no such file"
    except IsADirectoryError:
        message = "is a directory, not a file"
    except PermissionError:
        message = "cannot read the file (permission denied)"
    except OSError as error:
        message = f"cannot read the file ({error.strerror or error})"
    raise LoadError(single(Location(name), message))


def decode_utf8(data: bytes, file: str) -> str:
    """Strict UTF-8 (a leading byte-order mark is dropped); raises LoadError."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        offset = error.start
        line = data.count(b"\n", 0, offset) + 1
        line_start = data.rfind(b"\n", 0, offset) + 1
        column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
        raise LoadError(
            single(
                Location(file, line, column),
                f"the file is not valid UTF-8: byte 0x{data[offset]:02x} at offset {offset} "
                "cannot be decoded",
                hint="save the file as UTF-8",
            )
        ) from None


def load_file(path: Path, file: str | None = None) -> tuple[Document, bytes]:
    """Read, decode and parse a YAML or JSON file (``-``: standard input, as ``<stdin>``)."""
    name = file or ("<stdin>" if str(path) == "-" else str(path))
    data = read_bytes(path, name)
    return replace(parse_text(decode_utf8(data, name), name), readable=frozenset({name})), data
