"""Copies of deliveries for ``dead_letters``, carrying the reason in a header.

A plain reject cannot say why; both programs therefore publish a copy with
``x-easysight-reason`` (and where it came from) to ``easysight.dlx`` and then ack the original.
"""

from __future__ import annotations

from typing import Any

import aio_pika
from aio_pika.abc import AbstractIncomingMessage

from worker_node.protocol.topology import REASON_HEADER

_BROKER_HEADERS = ("x-delivery-count", "x-death")


def copy_message(message: AbstractIncomingMessage, **headers: Any) -> aio_pika.Message:
    """A persistent copy of a delivery, original properties kept, extra headers added."""
    merged = {k: v for k, v in (message.headers or {}).items() if k not in _BROKER_HEADERS}
    merged.update(headers)
    return aio_pika.Message(
        body=message.body,
        headers=merged,
        content_type=message.content_type,
        content_encoding=message.content_encoding,
        type=message.type,
        message_id=message.message_id,
        correlation_id=message.correlation_id,
        priority=message.priority,
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
    )


def dead_letter_copy(message: AbstractIncomingMessage, reason: str) -> aio_pika.Message:
    """The copy that goes to ``easysight.dlx``: the reason, and where the message was going."""
    return copy_message(
        message,
        **{
            REASON_HEADER: reason[:1000],
            "x-easysight-routing-key": message.routing_key or "",
            "x-easysight-exchange": message.exchange or "",
        },
    )
