"""Hostile submissions: whatever bytes arrive as a submission, reading them ends in a clear
SubmissionError or a submission, never another exception."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fieldkit.central.odk_record import engagement
from fieldkit.central.odk_submission import SubmissionError, read_submission

_TAGS = st.sampled_from(["data", "meta", "instanceID", "people", "persons", "officer", "location"])
_FIELDS = st.sampled_from(
    ["operation", "team", "officer", "venue_type", "start", "end", "time", "location",
     "outcomes", "indicators", "interpreter"]
)  # fmt: skip


def _xml(answers: dict[str, str], instance: str) -> bytes:
    body = "".join(f"<{k}>{v}</{k}>" for k, v in answers.items())
    return (
        f'<data id="fieldkit-x" version="fk2.0">{body}'
        f"<meta><instanceID>{instance}</instanceID></meta></data>"
    ).encode()


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_are_a_submission_or_a_clear_error(raw: bytes) -> None:
    try:
        read_submission(raw, "phone.xml")
    except SubmissionError as exc:
        assert str(exc).startswith("phone.xml: ")


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(_FIELDS, st.text(alphabet="abcfin0123456789.:-+TZ _", max_size=30)),
    st.text(alphabet="uuid:0123456789abcdef-", max_size=45),
)
def test_any_answers_make_a_record_or_a_clear_error(answers: dict[str, str], iid: str) -> None:
    try:
        sub = read_submission(_xml(answers, iid), "phone.xml")
        engagement(sub, "Europe/London")
    except SubmissionError as exc:
        assert str(exc).startswith("phone.xml: ")


def test_a_nested_element_where_an_answer_belongs_is_refused() -> None:
    raw = b'<data id="f" version="v"><officer><x/></officer><meta><instanceID>u</instanceID>'
    raw += b"</meta></data>"
    try:
        read_submission(raw, "phone.xml")
    except SubmissionError as exc:
        assert "<officer> holds elements" in str(exc)
    else:
        raise AssertionError("a nested answer was read")


def test_a_position_that_is_not_a_number_is_refused() -> None:
    for location in ("nan nan 0 0", "inf 0 0 0", "1 2 3 -inf"):
        answers = {"operation": "op", "team": "t", "officer": "o", "venue_type": "church"}
        raw = _xml({**answers, "start": "2023-09-24T12:00:00+01:00", "location": location},
                   "uuid:0190f4a2-0000-7000-8000-000000000001")  # fmt: skip
        try:
            engagement(read_submission(raw, "phone.xml"), "Europe/London")
        except SubmissionError as exc:
            assert "is not a geopoint" in str(exc)
        else:
            raise AssertionError(f"{location} was read as a position")
