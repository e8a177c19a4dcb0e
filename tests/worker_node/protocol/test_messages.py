"""Validation rules of the wire models and the codec's errors."""

from __future__ import annotations

import json

import pytest

from tests.worker_node.protocol.samples import SAMPLES
from worker_node.protocol import (
    ControlMessage,
    MalformedMessage,
    ResultMessage,
    TaskMessage,
    decode,
    encode_body,
)


def task_json(**changes: object) -> bytes:
    data = json.loads(encode_body(SAMPLES["task_diagnosis"]))
    data.update(changes)
    return json.dumps(data).encode()


def test_unknown_field_is_refused() -> None:
    with pytest.raises(MalformedMessage, match="surprise: Extra inputs are not permitted"):
        decode(task_json(surprise=True), None, TaskMessage)


def test_params_must_fit_the_kind() -> None:
    with pytest.raises(MalformedMessage, match=r"params\.detector: Extra inputs are not permitted"):
        decode(task_json(params={"detector": "hog"}), None, TaskMessage)


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("priority", 11, "priority: Input should be less than or equal to 10"),
        ("attempt", 0, "attempt: Input should be greater than or equal to 1"),
        ("kind", "karaoke", "kind: Input should be"),
        ("task_id", "not-a-uuid", "task_id: Input should be a valid UUID"),
        ("created_at", "2026-11-27T08:00:00", "created_at: Input should have timezone info"),
    ],
)
def test_bad_fields_are_named(field: str, value: object, fragment: str) -> None:
    with pytest.raises(MalformedMessage, match=fragment):
        decode(task_json(**{field: value}), None, TaskMessage)


def test_wrong_message_type_is_refused() -> None:
    body = encode_body(SAMPLES["task_diagnosis"])
    expected = r"'easysight\.task\.v1' where 'easysight\.result\.v1'"
    with pytest.raises(MalformedMessage, match=expected):
        decode(body, "easysight.task.v1", ResultMessage)
    with pytest.raises(MalformedMessage, match=r"unknown message type 'easysight\.task\.v9'"):
        decode(body, "easysight.task.v9", TaskMessage)


def test_invalid_json_and_encoding() -> None:
    with pytest.raises(MalformedMessage, match="invalid message"):
        decode(b"{not json", None, TaskMessage)
    with pytest.raises(MalformedMessage, match="not UTF-8"):
        decode(b"\xff\xfe", None, TaskMessage)


def test_cancel_needs_a_task() -> None:
    with pytest.raises(ValueError, match="cancel needs a task_id"):
        ControlMessage(command="cancel", issued_by="x")


def test_snapshot_size_is_bounded() -> None:
    data = json.loads(encode_body(SAMPLES["result_diagnosis"]))
    data["result"]["snapshot_jpeg"] = "A" * 300_000
    with pytest.raises(MalformedMessage, match="snapshot_jpeg"):
        decode(json.dumps(data).encode(), None, ResultMessage)
