"""This console's own view of the wire: an exclusive queue bound to the results and heartbeat
fanouts, so every open console sees every change, whichever console recorded it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from uuid import UUID

from aio_pika.abc import AbstractIncomingMessage

from easysight_desktop.control.broker import BrokerLink
from worker_node.protocol import (
    HeartbeatMessage,
    MalformedMessage,
    ResultMessage,
    decode,
)

log = logging.getLogger(__name__)


class LiveFeed:
    """Hands each heartbeat and each result's task id to the control plane as it happens."""

    def __init__(
        self,
        broker: BrokerLink,
        on_heartbeat: Callable[[HeartbeatMessage], None],
        on_result: Callable[[UUID, str], None],
    ) -> None:
        self.broker = broker
        self.on_heartbeat = on_heartbeat
        self.on_result = on_result
        broker.when_connected(self._bind)

    async def _bind(self) -> None:
        declared, channel = self.broker.declared, self.broker.channel
        assert declared is not None and channel is not None
        queue = await channel.declare_queue(
            "", exclusive=True, auto_delete=True, arguments={"x-max-length": 100_000}
        )
        await queue.bind(declared.results)
        await queue.bind(declared.heartbeat)
        await queue.consume(self._on_message, no_ack=True)

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        try:
            if message.type == HeartbeatMessage.MESSAGE_TYPE:
                self.on_heartbeat(decode(message.body, message.type, HeartbeatMessage))
            else:
                result = decode(message.body, message.type, ResultMessage)
                self.on_result(result.task_id, result.status)
        except MalformedMessage as exc:
            # The recorder dead-letters it from the durable queue; here it is only ignored.
            log.debug("live feed ignores a malformed message: %s", exc)
