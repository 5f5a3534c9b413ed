"""PyYAML's parse errors, said in plain words.

PyYAML reports "found character '\\t' that cannot start any token"; an analyst
needs "tabs are not allowed for indentation; use spaces", at the right line.
Errors not listed here keep PyYAML's own words after "invalid YAML:".
"""

from __future__ import annotations

import yaml

from medpolicy.errors import Location, Problem, single

_QUOTE = "; quote a value that contains ',', '[', ']', '{' or '}'"
_PLAIN_WORDS = (
    (
        "that cannot start any token",
        "'\\t'",
        "tabs are not allowed for indentation; use spaces",
        False,
    ),
    ("found a tab character", "", "tabs are not allowed for indentation; use spaces", False),
    (
        "mapping values are not allowed here",
        "",
        "unexpected ':' here; quote a value that contains ': ', or fix the indentation",
        False,
    ),
    (
        "could not find expected ':'",
        "",
        "expected 'key: value' here; a ':' is missing or the line is indented wrong",
        False,
    ),
    ("found unexpected end of stream", "", "this quoted text is never closed", True),
    (
        "expected <block end>",
        "",
        "this line's indentation does not match the lines above it",
        False,
    ),
    ("expected ',' or ']'", "<stream end>", "this list opened with '[' is never closed", True),
    ("expected ',' or '}'", "<stream end>", "this mapping opened with '{' is never closed", True),
    ("expected ',' or ']'", "", "expected ',' or ']' here, inside a [...] list" + _QUOTE, False),
    ("expected ',' or '}'", "", "expected ',' or '}' here, inside a {...} mapping" + _QUOTE, False),
    (
        "but found another document",
        "",
        "the file holds more than one YAML document ('---'); expected exactly one",
        False,
    ),
    (
        "could not determine a constructor for the tag",
        "",
        "tags such as '!!python/...' are not allowed; write plain values",
        False,
    ),
)


def plain_problem(error: yaml.MarkedYAMLError, file: str) -> list[Problem]:
    """PyYAML's error as one problem in plain words, at the most helpful place."""
    problem = error.problem or error.context or "invalid YAML"
    message, mark = f"invalid YAML: {problem}", error.problem_mark or error.context_mark
    if problem.startswith(("duplicate key", "a key must", "a number has", "a text holds")):
        message = problem
    for needle, also, words, at_start in _PLAIN_WORDS:
        if needle in problem and also in problem:
            message = words
            if at_start and error.context_mark is not None:
                mark = error.context_mark
            break
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    return single(Location(file, line, column), message)
