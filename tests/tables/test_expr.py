"""The expression parser: precedence, grouping, comparisons, membership, errors."""

from __future__ import annotations

import pytest

from medpolicy.tables.expr import (
    And,
    Compare,
    Const,
    Member,
    Name,
    Not,
    Or,
    ParseError,
    format_value,
    names_in,
    parse_expression,
)


def test_not_binds_tighter_than_and_tighter_than_or() -> None:
    """`a or b and not c` reads as `a or (b and (not c))`."""
    assert parse_expression("a or b and not c") == Or(
        (Name("a", 0), And((Name("b", 5), Not(Name("c", 15), 11)), 5)), 0
    )


def test_parentheses_override_precedence() -> None:
    """`(a or b) and c` groups the disjunction first."""
    expr = parse_expression("(a or b) and c")
    assert isinstance(expr, And)
    assert expr.operands == (Or((Name("a", 1), Name("b", 6)), 1), Name("c", 13))


def test_chains_flatten_into_one_node() -> None:
    """`a and b and c` is one And with three operands."""
    expr = parse_expression("a and b and c")
    assert isinstance(expr, And) and len(expr.operands) == 3


def test_double_negation_nests() -> None:
    """`not not a` keeps both negations."""
    assert parse_expression("not not a") == Not(Not(Name("a", 8), 4), 0)


@pytest.mark.parametrize(
    ("text", "op", "value"),
    [
        ("levels > 2", ">", 2),
        ("levels >= 2", ">=", 2),
        ("levels < -1", "<", -1),
        ("levels <= 0", "<=", 0),
        ("cpt == 64479", "==", 64479),
        ("sedation != none", "!=", "none"),
        ("particulate == true", "==", True),
        ("particulate == false", "==", False),
        ("injectate == 'steroid and anesthetic'", "==", "steroid and anesthetic"),
        ('injectate == "biologic"', "==", "biologic"),
    ],
    ids=["gt", "ge", "negative", "le", "number", "bareword", "true", "false", "single", "double"],
)
def test_comparison_values(text: str, op: str, value: object) -> None:
    """A comparison keeps its operator and a typed value."""
    expr = parse_expression(text)
    assert isinstance(expr, Compare)
    assert (expr.op, expr.value) == (op, value)
    assert type(expr.value) is type(value)


def test_comparison_positions() -> None:
    """A comparison records where its fact and its value start."""
    expr = parse_expression("  levels > 2")
    assert isinstance(expr, Compare)
    assert (expr.pos, expr.value_pos) == (2, 11)


def test_membership() -> None:
    """`x in [a, 2]` lists its values and their offsets."""
    expr = parse_expression("indication in [axial_pain, 2]")
    assert expr == Member("indication", ("axial_pain", 2), False, 0, (15, 27))


def test_not_in() -> None:
    """`x not in [...]` is a negated membership, not a negated name."""
    expr = parse_expression("sedation not in [none]")
    assert isinstance(expr, Member) and expr.negated
    assert expr.values == ("none",)


def test_constants() -> None:
    """`true` and `false` alone are constant conditions."""
    assert parse_expression("true") == Const(True, 0)
    assert parse_expression("not false") == Not(Const(False, 4), 0)


def test_names_in_lists_every_name_with_its_offset() -> None:
    """names_in finds bare names, compared facts and members."""
    expr = parse_expression("a and (levels > 1 or not cpt in [1])")
    assert names_in(expr) == [("a", 0), ("levels", 7), ("cpt", 25)]


@pytest.mark.parametrize(
    ("value", "text"),
    [(True, "true"), (3, "3"), ("ct", "ct"), ("two words", "'two words'"), ("and", "'and'")],
    ids=["bool", "int", "bareword", "spaces", "keyword"],
)
def test_format_value(value: bool | int | str, text: str) -> None:
    """Values are written back as the language spells them."""
    assert format_value(value) == text


@pytest.mark.parametrize(
    ("text", "pos", "found"),
    [
        ("", 0, "the end of the expression"),
        ("a and", 5, "the end of the expression"),
        ("a or or b", 5, "'or'"),
        ("(a or b", 7, "the end of the expression"),
        ("a b", 2, "'b'"),
        ("levels > ", 9, "the end of the expression"),
        ("cpt in 1", 7, "'1'"),
        ("cpt in [1 2]", 10, "'2'"),
        ("levels > 2 $", 11, "'$'"),
        ("levels = 2", 7, "'='"),
        ("1 > levels", 0, "'1'"),
    ],
    ids=[
        "empty",
        "dangling-and",
        "double-or",
        "unclosed-paren",
        "two-names",
        "missing-value",
        "in-without-list",
        "list-without-comma",
        "bad-character",
        "single-equals",
        "value-on-left",
    ],
)
def test_parse_errors_point_at_the_offending_token(text: str, pos: int, found: str) -> None:
    """A syntax error carries the offset of the token it trips on."""
    with pytest.raises(ParseError) as caught:
        parse_expression(text)
    assert caught.value.pos == pos
    assert caught.value.found == found
