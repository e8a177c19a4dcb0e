"""The console's link to RabbitMQ: one robust connection, kept up for as long as the console runs.

The console must start and stay usable with the broker down (tasks wait as pending), so the first
connection is retried in the background and every change of connection state is announced.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractRobustConnection
from aio_pika.connection import make_url

from easysight_desktop.control.background import stop_task
from worker_node.protocol import DeclaredTopology, Topology, TopologyMismatch, declare_topology
from worker_node.protocol.publisher import CONNECTION_ERRORS, Publisher
from worker_node.settings import Settings

log = logging.getLogger(__name__)

StateCallback = Callable[[bool, str], None]
OnConnected = Callable[[], Awaitable[None]]


class BrokerLink:
    """Connection, confirmed channel and declared topology, with state announcements."""

    def __init__(self, settings: Settings, on_state: StateCallback, name: str = "console") -> None:
        self.settings = settings
        self.topology = Topology(settings.namespace, settings.queue_type)
        self.on_state = on_state
        self.name = name
        self.connection: AbstractRobustConnection | None = None
        self.channel: AbstractChannel | None = None
        self.declared: DeclaredTopology | None = None
        self.publisher: Publisher | None = None
        self.connected = asyncio.Event()
        self.fatal: Exception | None = None
        self._on_connected: list[OnConnected] = []
        self._task: asyncio.Task[None] | None = None
        self._connecting: AbstractRobustConnection | None = None

    def when_connected(self, callback: OnConnected) -> None:
        """Run ``callback`` after the first connection (consumers set up there are restored
        by the robust channel after each reconnect)."""
        self._on_connected.append(callback)

    def start(self) -> None:
        self._task = asyncio.create_task(self._connect_loop(), name="broker-connect")

    async def _connect_loop(self) -> None:
        """Connect and set everything up; any failure on the way closes and starts over."""
        s = self.settings
        announced_down = False
        while True:
            # Built here, not by connect_robust(), so that close() can stop it mid-connect.
            connection = aio_pika.RobustConnection(
                make_url(s.rabbitmq_url, heartbeat=s.amqp_heartbeat_s, reconnect_interval=2),
                client_properties={"connection_name": f"easysight-{self.name}"},
            )
            self._connecting = connection
            try:
                await connection.connect(timeout=10)
                self.connection = connection  # the services' set-up callbacks use it
                await self._set_up(connection)
                break
            except TopologyMismatch as exc:
                self.fatal = exc
                self._state(False, str(exc))
                await connection.close()
                return
            except (*CONNECTION_ERRORS, OSError, asyncio.CancelledError) as exc:
                task = asyncio.current_task()
                if isinstance(exc, asyncio.CancelledError) and task and task.cancelling():
                    raise  # close() is stopping us; aiormq also cancels RPCs of a lost link
                self.connection = None
                await connection.close()
                if not announced_down:
                    self._state(False, f"broker {s.safe_rabbitmq_url} unreachable: {exc}")
                    announced_down = True
                await asyncio.sleep(3)
        connection.close_callbacks.add(self._on_close)
        connection.reconnect_callbacks.add(self._on_reconnect)
        self.connected.set()
        self._state(True, f"broker {s.safe_rabbitmq_url}")

    async def _set_up(self, connection: AbstractRobustConnection) -> None:
        """Channel, topology and the services' consumers, on a fresh connection. The robust
        connection restores them by itself after later reconnects."""
        self.channel = await connection.channel(publisher_confirms=True)
        self.declared = await declare_topology(self.channel, self.topology)
        self.publisher = Publisher(self.channel)
        for callback in self._on_connected:
            await callback()

    def _on_close(self, _sender: object, exc: BaseException | None = None) -> None:
        if self.connected.is_set():
            self.connected.clear()
            self._state(False, f"broker {self.settings.safe_rabbitmq_url} lost: {exc or 'closed'}")

    def _on_reconnect(self, _sender: object) -> None:
        self.connected.set()
        self._state(True, f"broker {self.settings.safe_rabbitmq_url} (reconnected)")

    def _state(self, ok: bool, detail: str) -> None:
        (log.info if ok else log.warning)("%s", detail)
        self.on_state(ok, detail)

    async def close(self) -> None:
        await stop_task(self._task)
        if self.publisher is not None:
            self.publisher.stopping.set()
        if self.connection is None and self._connecting is not None:
            with contextlib.suppress(Exception):
                await self._connecting.close()
        if self.connection is not None:
            self.connected.clear()
            with contextlib.suppress(Exception):
                await self.connection.close()
