"""Encode wire models into AMQP messages and decode deliveries back, with one clear error type.

A decode failure is a :class:`MalformedMessage` whose text is the reason that goes into the
``x-easysight-reason`` header when the message is dead-lettered.
"""

from __future__ import annotations

from typing import TypeVar

import aio_pika
from pydantic import ValidationError

from worker_node.protocol.messages import (
    MESSAGE_TYPES,
    ResultMessage,
    TaskMessage,
    VersionedMessage,
)

CONTENT_TYPE = "application/json"
M = TypeVar("M", bound=VersionedMessage)


class MalformedMessage(ValueError):
    """A delivery that is not a valid message of the expected type; the text says why."""


def encode_body(message: VersionedMessage) -> bytes:
    """The JSON body of a message (UTF-8, no unset optional noise kept out: defaults included)."""
    return message.model_dump_json().encode("utf-8")


def to_amqp(message: VersionedMessage, *, persistent: bool = True) -> aio_pika.Message:
    """Build the AMQP message with the properties the contract fixes for each message type."""
    props: dict[str, object] = {}
    if isinstance(message, TaskMessage):
        props = {
            "message_id": message.message_id,
            "correlation_id": str(message.task_id),
            "priority": message.priority,
        }
    elif isinstance(message, ResultMessage):
        props = {"message_id": message.message_id, "correlation_id": str(message.task_id)}
    return aio_pika.Message(
        body=encode_body(message),
        content_type=CONTENT_TYPE,
        content_encoding="utf-8",
        type=message.MESSAGE_TYPE,
        delivery_mode=(
            aio_pika.DeliveryMode.PERSISTENT if persistent else aio_pika.DeliveryMode.NOT_PERSISTENT
        ),
        timestamp=None,
        **props,  # type: ignore[arg-type]
    )


def decode(body: bytes, message_type: str | None, expected: type[M]) -> M:
    """Validate a delivery's body as ``expected``; raise :class:`MalformedMessage` with a reason."""
    if message_type is not None and message_type != expected.MESSAGE_TYPE:
        known = "known" if message_type in MESSAGE_TYPES else "unknown"
        raise MalformedMessage(
            f"{known} message type {message_type!r} where {expected.MESSAGE_TYPE!r} was expected"
        )
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedMessage(f"body is not UTF-8: {exc}") from None
    try:
        return expected.model_validate_json(text)
    except ValidationError as exc:
        raise MalformedMessage(_summarise(exc)) from None


def _summarise(exc: ValidationError) -> str:
    """One line naming each bad field, short enough for a header and a log line."""
    parts = []
    for err in exc.errors()[:5]:
        text = str(err["msg"]).removeprefix("Value error, ")
        where = ".".join(str(p) for p in err["loc"])
        parts.append(f"{where}: {text}" if where else text)
    more = f" (+{exc.error_count() - 5} more)" if exc.error_count() > 5 else ""
    return "invalid message: " + "; ".join(parts) + more
