"""``make demo``: simulator + worker + a diagnosis of every simulated camera, printed as it lands.

The operator window arrives with the console issue; until then the demo plays the console's part
on the wire: it publishes one diagnosis task per camera and prints each result.
"""

from __future__ import annotations

import asyncio
import sys
import uuid

import aio_pika

from easysight_desktop.demo_stack import DemoStack, demo_stack
from worker_node.protocol import (
    Camera,
    DiagnosisParams,
    ResultMessage,
    TaskMessage,
    Topology,
    declare_topology,
    decode,
    to_amqp,
)
from worker_node.settings import Settings

STATUS_MARK = {"normal": "OK  ", "warning": "WARN", "error": "ERR ", "critical": "CRIT"}


async def diagnose_all(stack: DemoStack, settings: Settings, timeout: float = 90) -> int:
    connection = await aio_pika.connect_robust(settings.rabbitmq_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        declared = await declare_topology(
            channel, Topology(settings.namespace, settings.queue_type)
        )
        live = await channel.declare_queue("", exclusive=True, auto_delete=True)
        await live.bind(declared.results)
        pending: dict[uuid.UUID, str] = {}
        done = asyncio.Event()

        async def on_result(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            result = decode(message.body, message.type, ResultMessage)
            name = pending.get(result.task_id)
            if name is None or result.status == "started":
                return
            print_result(name, result)
            del pending[result.task_id]
            if not pending:
                done.set()

        await live.consume(on_result, no_ack=True)
        for cam in stack.cameras:
            task = TaskMessage(
                task_id=uuid.uuid4(),
                kind="diagnosis",
                camera=Camera(id=cam["id"], name=cam["name"], url=cam["url"]),
                params=DiagnosisParams(frames=5, window_s=2.0),
            )
            pending[task.task_id] = cam["name"]
            await declared.tasks.publish(to_amqp(task), routing_key="diagnosis")
        print(f"Submitted {len(pending)} diagnosis tasks; results as they arrive:\n")
        try:
            await asyncio.wait_for(done.wait(), timeout)
        except TimeoutError:
            print(f"\n{len(pending)} task(s) without a result after {timeout:g} s", file=sys.stderr)
            return 1
    return 0


def print_result(camera: str, result: ResultMessage) -> None:
    if result.status != "succeeded" or result.result is None:
        error = result.error.message if result.error else ""
        print(f"{camera:<18} {result.status.upper()}  {error}")
        return
    overall = getattr(result.result, "overall", "normal")
    print(f"{camera:<18} {STATUS_MARK[overall]} {overall}  ({result.duration_ms:.0f} ms)")
    for check in getattr(result.result, "checks", []):
        print(
            f"    {STATUS_MARK[check.status]} {check.type:<12} {check.score:5.1f}  {check.message}"
        )


def main() -> int:
    settings = Settings.load()
    with demo_stack() as stack:
        print(f"Camera simulator at {stack.simulator_url} with {len(stack.cameras)} cameras")
        return asyncio.run(diagnose_all(stack, settings))


if __name__ == "__main__":
    sys.exit(main())
