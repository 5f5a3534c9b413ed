"""Control characters and lone surrogates in a JSON Lines record are errors, escaped or raw."""

from __future__ import annotations

import pytest

from medpolicy import Policy
from medpolicy.batch.records import JsonLinesParser, Record
from medpolicy.errors import ValidationError

CASES = {
    "escaped control": b'{"id": "a\\u0007b", "facts": {}}',
    "escaped surrogate": b'{"id": "a\\ud800b", "facts": {}}',
    "raw DEL in a text": '{"id": "a\u007fb", "facts": {}}'.encode(),
    "raw DEL in a key": '{"id": "c", "facts": {"x\u007f": 1}}'.encode(),
}


@pytest.mark.parametrize("payload", CASES.values(), ids=list(CASES))
def test_bad_text_is_reported_with_or_without_a_backslash(esi: Policy, payload: bytes) -> None:
    """The one-search shortcut over a line without backslashes misses no bad character."""
    with pytest.raises(ValidationError) as caught:
        JsonLinesParser("in.jsonl").case(Record(1, payload), esi)
    message = str(caught.value)
    assert "a text holds a" in message and "U+" in message, message


def test_a_clean_record_without_backslashes_reads_as_a_case(esi: Policy) -> None:
    """A plain record passes the shortcut and becomes its case."""
    case = JsonLinesParser("in.jsonl").case(Record(1, b'{"id": "c1", "facts": {}}'), esi)
    assert case.id == "c1"
