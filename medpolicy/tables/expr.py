"""The expression language of criteria and rows.

Analysts write conditions as readable text::

    conservative_care_weeks >= 4 or conservative_care_intolerant
    indication in [axial_pain, other] and not mass_excluded
    cpt == 64479 and particulate_steroid

Grammar (``not`` binds tighter than ``and``, ``and`` tighter than ``or``)::

    expr    := and ('or' and)*
    and     := unary ('and' unary)*
    unary   := 'not' unary | primary
    primary := '(' expr ')' | 'true' | 'false'
             | COUNT '(' NUMBER ',' '[' expr (',' expr)* ']' ')'
             | NAME                      a bool fact or a criterion
             | NAME OP value             OP is one of < <= > >= == !=
             | WINDOW '(' NAME ')' OP value   WINDOW: days_since ... years_since
             | NAME 'in' list | NAME 'not' 'in' list
    list    := '[' value (',' value)* ']'
    value   := NUMBER | DECIMAL | DATE | 'quoted text' | "quoted text" | BAREWORD | true | false
    COUNT   := 'at_least' | 'at_most' | 'exactly'   (only when '(' follows)

The text is parsed here, by hand; it is never evaluated by Python and never
pasted into ASP program text. Every node records its character offset so that
errors point at the column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from medpolicy.tables.codes import Pattern

#: A value of a fact; a ``codes`` fact's value is a tuple of code keys.
Value = bool | int | str | Decimal | date | tuple[str, ...]

COMPARISON_OPS = ("<=", ">=", "==", "!=", "<", ">")


@dataclass(frozen=True)
class Name:
    """A bare name: a bool fact or a criterion."""

    name: str
    pos: int


@dataclass(frozen=True)
class Compare:
    """``fact OP value``, or ``UNIT_since(fact) OP value`` (``window`` is the unit)."""

    fact: str
    op: str
    value: Value
    pos: int
    value_pos: int
    window: str = ""


@dataclass(frozen=True)
class Member:
    """``fact in [values]`` or, negated, ``fact not in [values]``."""

    fact: str
    values: tuple[Value, ...]
    negated: bool
    pos: int
    value_pos: tuple[int, ...]


@dataclass(frozen=True)
class Not:
    operand: Expr
    pos: int


@dataclass(frozen=True)
class And:
    operands: tuple[Expr, ...]
    pos: int


@dataclass(frozen=True)
class Or:
    operands: tuple[Expr, ...]
    pos: int


@dataclass(frozen=True)
class Const:
    value: bool
    pos: int


@dataclass(frozen=True)
class Count:
    """``at_least(N, [...])``, ``at_most(N, [...])`` or ``exactly(N, [...])``."""

    kind: str
    n: int
    operands: tuple[Expr, ...]
    pos: int
    n_pos: int


@dataclass(frozen=True)
class Has:
    """``has(fact, VS)`` or ``has(fact, [patterns])``: a code of the list matches.

    After validation ``patterns`` holds the value set's (or the inline list's)
    patterns and ``name`` says which: the value-set id, or the inline list.
    """

    fact: str
    valueset: str
    codes: tuple[str, ...]
    pos: int
    arg_pos: int
    code_pos: tuple[int, ...] = ()
    patterns: tuple[Pattern, ...] = ()

    @property
    def name(self) -> str:
        """The value-set id, or the inline list as written."""
        if self.valueset:
            return self.valueset
        return "[" + ", ".join(format_value(code) for code in self.codes) + "]"


COUNT_KINDS = ("at_least", "at_most", "exactly")
WINDOW_FUNCTIONS = ("days_since", "weeks_since", "months_since", "years_since")

Expr = Name | Compare | Member | Not | And | Or | Const | Count | Has

_KEYWORDS = {"and", "or", "not", "in", "true", "false"}
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<date>\d{4}-\d\d-\d\d(?![\w.-]))
  | (?P<num>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.]))
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<str>'[^']*'|"[^"]*")
  | (?P<op><=|>=|==|!=|<|>)
  | (?P<punct>[()\[\],])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str  # num, name, str, op, punct, kw, end
    text: str
    pos: int


class ParseError(Exception):
    """A syntax error at a character offset of the expression."""

    def __init__(self, message: str, pos: int, expected: str, found: str) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos
        self.expected = expected
        self.found = found


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ParseError(
                "unexpected character", pos, "a name, number, operator or bracket", repr(text[pos])
            )
        kind = match.lastgroup or ""
        word = match.group()
        if kind == "name" and word in _KEYWORDS:
            kind = "kw"
        if kind != "ws":
            tokens.append(_Token(kind, word, pos))
        pos = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


def _describe(token: _Token) -> str:
    return "the end of the expression" if token.kind == "end" else repr(token.text)


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.index = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def _take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def _at(self, kind: str, text: str | None = None) -> bool:
        token = self.current
        return token.kind == kind and (text is None or token.text == text)

    def _expect(self, kind: str, text: str, expected: str) -> _Token:
        if not self._at(kind, text):
            self._fail(expected)
        return self._take()

    def _fail(self, expected: str) -> None:
        token = self.current
        raise ParseError(f"unexpected {_describe(token)}", token.pos, expected, _describe(token))

    def parse(self) -> Expr:
        if self._at("end"):
            self._fail("a condition")
        expr = self._or()
        if not self._at("end"):
            self._fail("'and', 'or' or the end of the expression")
        return expr

    def _or(self) -> Expr:
        start = self.current.pos
        operands = [self._and()]
        while self._at("kw", "or"):
            self._take()
            operands.append(self._and())
        return operands[0] if len(operands) == 1 else Or(tuple(operands), start)

    def _and(self) -> Expr:
        start = self.current.pos
        operands = [self._unary()]
        while self._at("kw", "and"):
            self._take()
            operands.append(self._unary())
        return operands[0] if len(operands) == 1 else And(tuple(operands), start)

    def _unary(self) -> Expr:
        if self._at("kw", "not"):
            token = self._take()
            return Not(self._unary(), token.pos)
        return self._primary()

    def _primary(self) -> Expr:
        token = self.current
        if self._at("punct", "("):
            self._take()
            inner = self._or()
            self._expect("punct", ")", "')'")
            return inner
        if self._at("kw", "true") or self._at("kw", "false"):
            self._take()
            return Const(token.text == "true", token.pos)
        if token.kind != "name":
            self._fail("a fact or criterion name, 'not', 'true', 'false' or '('")
        self._take()
        if token.text in COUNT_KINDS and self._at("punct", "("):
            return self._count(token)
        if token.text in WINDOW_FUNCTIONS and self._at("punct", "("):
            return self._window(token)
        if token.text == "has" and self._at("punct", "("):
            return self._has(token)
        if self._at("op"):
            op = self._take().text
            value_pos = self.current.pos
            return Compare(token.text, op, self._value(), token.pos, value_pos)
        if self._at("kw", "in"):
            self._take()
            values, positions = self._list()
            return Member(token.text, values, False, token.pos, positions)
        if self._at("kw", "not") and self.tokens[self.index + 1].text == "in":
            self.index += 2
            values, positions = self._list()
            return Member(token.text, values, True, token.pos, positions)
        return Name(token.text, token.pos)

    def _window(self, token: _Token) -> Compare:
        self._take()
        fact = self.current
        if fact.kind != "name":
            self._fail(f"the name of a date fact inside {token.text}(...)")
        self._take()
        self._expect("punct", ")", "')'")
        if not self._at("op"):
            self._fail(f"a comparison after {token.text}({fact.text}), e.g. '<= 12'")
        op = self._take().text
        value_pos = self.current.pos
        unit = token.text.removesuffix("_since")
        return Compare(fact.text, op, self._value(), fact.pos, value_pos, unit)

    def _has(self, token: _Token) -> Has:
        self._take()
        fact = self.current
        if fact.kind != "name":
            self._fail("the name of a codes fact inside has(...)")
        self._take()
        self._expect("punct", ",", "',' and a value-set id or a [list] of codes")
        arg = self.current
        if arg.kind == "name":
            self._take()
            self._expect("punct", ")", "')'")
            return Has(fact.text, arg.text, (), fact.pos, arg.pos)
        self._expect("punct", "[", "a value-set id or '[' to open a list of codes")
        codes: list[str] = []
        positions: list[int] = []
        while True:
            item = self.current
            if item.kind == "num":
                raise ParseError(f"the code {item.text} is written as a number", item.pos,
                                 f"a quoted code, \"{item.text}\"", item.text)
            if item.kind not in ("str", "name"):
                self._fail("a quoted code or pattern, e.g. \"E11*\"")
            self._take()
            codes.append(item.text[1:-1] if item.kind == "str" else item.text)
            positions.append(item.pos)
            if self._at("punct", ","):
                self._take()
                continue
            self._expect("punct", "]", "',' or ']'")
            self._expect("punct", ")", "')'")
            return Has(fact.text, "", tuple(codes), fact.pos, arg.pos, tuple(positions))

    def _count(self, token: _Token) -> Count:
        self._take()
        n_token = self.current
        if n_token.kind != "num":
            self._fail(f"a whole number: how many conditions {token.text} counts")
        self._take()
        self._expect("punct", ",", "',' after the number")
        self._expect("punct", "[", "'[' to open the list of conditions")
        operands = [self._or()]
        while self._at("punct", ","):
            self._take()
            operands.append(self._or())
        self._expect("punct", "]", "',' or ']'")
        self._expect("punct", ")", "')'")
        return Count(token.text, int(n_token.text), tuple(operands), token.pos, n_token.pos)

    def _value(self) -> Value:
        token = self.current
        if token.kind == "date":
            self._take()
            try:
                return date.fromisoformat(token.text)
            except ValueError:
                raise ParseError(f"impossible date {token.text}", token.pos,
                                 "a date that exists, YYYY-MM-DD", token.text) from None
        if token.kind == "num":
            self._take()
            plain = token.text.lstrip("-").isdigit()
            return int(token.text) if plain else Decimal(token.text)
        if token.kind == "str":
            self._take()
            return token.text[1:-1]
        if token.kind == "name":
            self._take()
            return token.text
        if token.kind == "kw" and token.text in ("true", "false"):
            self._take()
            return token.text == "true"
        self._fail("a value (a number, a name, 'quoted text', true or false)")
        raise AssertionError("unreachable")

    def _list(self) -> tuple[tuple[Value, ...], tuple[int, ...]]:
        self._expect("punct", "[", "'[' to open a list of values")
        values: list[Value] = []
        positions: list[int] = []
        while True:
            positions.append(self.current.pos)
            values.append(self._value())
            if self._at("punct", ","):
                self._take()
                continue
            self._expect("punct", "]", "',' or ']'")
            return tuple(values), tuple(positions)


def parse_expression(text: str) -> Expr:
    """Parse an expression; raises ParseError with the offending offset."""
    return _Parser(text).parse()


def names_in(expr: Expr) -> list[tuple[str, int]]:
    """Every fact or criterion name the expression reads, with its offset."""
    if isinstance(expr, Name):
        return [(expr.name, expr.pos)]
    if isinstance(expr, Compare | Member | Has):
        return [(expr.fact, expr.pos)]
    if isinstance(expr, Not):
        return names_in(expr.operand)
    if isinstance(expr, And | Or | Count):
        return [item for operand in expr.operands for item in names_in(operand)]
    return []


def format_value(value: Value) -> str:
    """A value written back as the expression language spells it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value) and value not in _KEYWORDS:
        return value
    return f"'{value}'" if "'" not in value else f'"{value}"'


def to_text(expr: Expr) -> str:
    """The expression written back as text that parses to the same tree."""
    if isinstance(expr, Name):
        return expr.name
    if isinstance(expr, Const):
        return "true" if expr.value else "false"
    if isinstance(expr, Compare):
        left = f"{expr.window}_since({expr.fact})" if expr.window else expr.fact
        return f"{left} {expr.op} {format_value(expr.value)}"
    if isinstance(expr, Member):
        values = ", ".join(format_value(v) for v in expr.values)
        return f"{expr.fact} {'not in' if expr.negated else 'in'} [{values}]"
    if isinstance(expr, Has):
        return f"has({expr.fact}, {expr.name})"
    if isinstance(expr, Not):
        inner = to_text(expr.operand)
        simple = isinstance(expr.operand, Name | Const | Not | Count | Has)
        return f"not {inner}" if simple else f"not ({inner})"
    if isinstance(expr, Count):
        return f"{expr.kind}({expr.n}, [{', '.join(to_text(e) for e in expr.operands)}])"
    joiner = " and " if isinstance(expr, And) else " or "
    parts = []
    for operand in expr.operands:
        text = to_text(operand)
        parts.append(f"({text})" if isinstance(operand, And | Or) else text)
    return joiner.join(parts)
