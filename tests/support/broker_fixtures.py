"""pytest fixtures for real-broker tests: a namespace, a client, and in-process workers."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Callable

import pytest

from tests.support.broker import BrokerClient, delete_namespace, new_namespace
from worker_node.runtime.execution import Handler
from worker_node.runtime.worker import Worker
from worker_node.settings import Settings


def broker_answers(host: str = "127.0.0.1", port: int = 5672) -> bool:
    with contextlib.closing(socket.socket()) as sock:
        sock.settimeout(2)
        return sock.connect_ex((host, port)) == 0


@pytest.fixture(scope="session")
def require_broker() -> None:
    if not broker_answers():
        pytest.fail("RabbitMQ does not answer on 127.0.0.1:5672; run `make test`, which starts it")


@pytest.fixture
async def namespace(require_broker: None) -> AsyncIterator[str]:
    """A fresh namespace; its queues and exchanges are deleted after the test."""
    name = new_namespace()
    yield name
    await delete_namespace(name)


@pytest.fixture
async def client(namespace: str) -> AsyncIterator[BrokerClient]:
    broker = await BrokerClient(namespace).start()
    yield broker
    await broker.close()


def worker_settings(namespace: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "namespace": namespace,
        "heartbeat_interval": 1.0,
        "shutdown_grace": 2.0,
        "source_timeout": 3.0,
        "worker_id": "test-worker",
    }
    values.update(overrides)
    return Settings.model_validate(values)


StartWorker = Callable[..., "asyncio.Future[Worker]"]


@pytest.fixture
async def start_worker(namespace: str) -> AsyncIterator[Callable[..., object]]:
    """Start in-process workers: ``await start_worker(handler, **settings)``; stopped after."""
    running: list[tuple[Worker, asyncio.Task[None]]] = []

    async def start(handler: Handler | None = None, **overrides: object) -> Worker:
        worker = Worker(worker_settings(namespace, **overrides), handler=handler)
        task = asyncio.create_task(worker.run())
        running.append((worker, task))
        ready = asyncio.create_task(worker.ready.wait())
        done, _ = await asyncio.wait({ready, task}, timeout=20, return_when="FIRST_COMPLETED")
        if task in done:
            task.result()  # raises the worker's start-up error
        assert ready in done, "worker did not become ready within 20 s"
        return worker

    yield start
    for worker, _ in running:
        worker.request_stop("test over")
    for _, task in running:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 15)
