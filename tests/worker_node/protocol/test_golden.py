"""The golden files pin the wire format: a change here is a change to the contract.

Regenerate with ``EASYSIGHT_REGEN_GOLDEN=1 pytest tests/worker_node/protocol`` only when the
contract is meant to change (and bump the message version if the change is breaking).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.worker_node.protocol.samples import SAMPLES
from worker_node.protocol import MESSAGE_TYPES, decode, encode_body, to_amqp

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_encoding_matches_the_golden_file(name: str) -> None:
    sample = SAMPLES[name]
    path = GOLDEN / f"{name}.json"
    encoded = json.loads(encode_body(sample))
    if os.environ.get("EASYSIGHT_REGEN_GOLDEN"):
        path.write_text(json.dumps(encoded, indent=2, ensure_ascii=False) + "\n")
    assert encoded == json.loads(path.read_text())


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_golden_file_decodes_to_the_sample(name: str) -> None:
    sample = SAMPLES[name]
    body = (GOLDEN / f"{name}.json").read_bytes()
    assert decode(body, sample.MESSAGE_TYPE, type(sample)) == sample


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_amqp_properties(name: str) -> None:
    sample = SAMPLES[name]
    message = to_amqp(sample)
    assert message.type == sample.MESSAGE_TYPE
    assert MESSAGE_TYPES[message.type] is type(sample)
    assert message.content_type == "application/json"
    if name.startswith("task"):
        assert message.message_id == f"{sample.task_id}:{sample.attempt}"  # type: ignore[attr-defined]
        assert message.correlation_id == str(sample.task_id)  # type: ignore[attr-defined]
        assert message.priority == sample.priority  # type: ignore[attr-defined]
        assert message.delivery_mode == 2
