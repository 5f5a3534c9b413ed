"""libyaml's parser for the files it reads exactly as the pure-Python loader does.

``StrictLoader`` (``yamlio.py``) parses with PyYAML's pure-Python scanner and
composer, about 15 µs a line: ten seconds on a 5,000-row table. libyaml's
parser (``yaml.CParser``) composes the same nodes with the same marks in C;
the constructors (duplicate keys, YAML 1.2 scalars, spans) stay the Python
ones of ``StrictLoader``. It is used only where it cannot differ:

- printable ASCII text (tabs and line breaks allowed), so character offsets
  and byte offsets agree and no reader rule on odd characters comes into play;
- libyaml 0.2.5 or later, which stops at 1,000 levels of nesting with an
  error (so no file can exhaust the C stack);
- and a successful parse: on any error the caller parses again with the
  pure-Python loader, so every message and position of a bad file is the one
  it always was.
"""

from __future__ import annotations

import re
from functools import cache

import yaml

from medpolicy.tables.yamlio import StrictLoader

_UNSAFE = re.compile(r"[^\t\n\r\x20-\x7e]")


@cache
def _c_loader() -> type[StrictLoader] | None:
    """``StrictLoader``'s constructors and resolvers over libyaml's parser (None without it)."""
    try:
        from yaml._yaml import CParser, get_version
    except ImportError:  # PyYAML built without libyaml: every file takes the slow way
        return None
    if get_version() < (0, 2, 5):  # no nesting limit before 0.2.5
        return None

    class CStrictLoader(CParser, StrictLoader):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    return CStrictLoader


def eligible(text: str) -> bool:
    """Whether libyaml reads ``text`` exactly as the pure-Python loader does."""
    return _c_loader() is not None and _UNSAFE.search(text) is None


def fast_load(text: str) -> tuple[bool, object]:
    """``(True, root)`` when libyaml parsed ``text``; ``(False, None)`` to parse it the slow way."""
    loader = _c_loader()
    if loader is None or not eligible(text):
        return False, None
    try:
        return True, yaml.load(text, Loader=loader)
    except (yaml.YAMLError, RecursionError, ValueError):
        return False, None
