"""Queue depth and consumers per queue: a passive declare for each, or the management API.

Passive declares need nothing but the AMQP connection; the management API, when a URL for it is
configured, adds unacknowledged counts and rates.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import aio_pika
from aio_pika.abc import AbstractRobustConnection

from easysight_desktop.control.views import QueueView
from worker_node.protocol import Topology
from worker_node.settings import mask_url

log = logging.getLogger(__name__)


async def passive_stats(
    connection: AbstractRobustConnection, topology: Topology
) -> list[QueueView]:
    """Ready count and consumers of every durable queue, by passive declare."""
    views = []
    channel = await connection.channel()
    try:
        for name in topology.durable_queues:
            try:
                queue = await channel.declare_queue(name, passive=True)
            except aio_pika.exceptions.ChannelClosed:
                channel = await connection.channel()  # a missing queue closes the channel
                continue
            result = queue.declaration_result
            views.append(
                QueueView(
                    name=name, ready=result.message_count or 0, consumers=result.consumer_count or 0
                )
            )
    finally:
        await channel.close()
    return views


def _management_request(url: str, vhost: str, timeout: float) -> list[dict[str, Any]]:
    parts = urllib.parse.urlsplit(url)
    netloc = parts.hostname or "127.0.0.1"
    if parts.port:
        netloc += f":{parts.port}"
    base = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))
    request = urllib.request.Request(f"{base}/api/queues/{urllib.parse.quote(vhost, safe='')}")
    user = urllib.parse.unquote(parts.username or "guest")
    password = urllib.parse.unquote(parts.password or "guest")
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    request.add_header("Authorization", f"Basic {token}")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.load(response)


async def management_stats(
    url: str, vhost: str, topology: Topology, timeout: float = 5.0
) -> list[QueueView]:
    """The same from the management API (in a thread: urllib blocks)."""
    try:
        rows = await asyncio.to_thread(_management_request, url, vhost, timeout)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise ConnectionError(f"management API {mask_url(url)}: {exc}") from None
    wanted = set(topology.durable_queues)
    views = []
    for row in rows:
        if row.get("name") not in wanted:
            continue
        stats = row.get("message_stats") or {}
        views.append(
            QueueView(
                name=row["name"],
                ready=int(row.get("messages_ready", 0)),
                consumers=int(row.get("consumers", 0)),
                unacked=int(row.get("messages_unacknowledged", 0)),
                publish_rate=float((stats.get("publish_details") or {}).get("rate", 0.0)),
                deliver_rate=float((stats.get("deliver_get_details") or {}).get("rate", 0.0)),
            )
        )
    return sorted(views, key=lambda v: topology.durable_queues.index(v.name))
