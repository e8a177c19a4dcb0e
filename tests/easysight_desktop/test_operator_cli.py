"""``easysight-console status`` and ``submit`` as an admin runs them, against the real broker."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from tests.support.handlers import noop
from worker_node.protocol import TaskMessage, decode

pytestmark = pytest.mark.broker


async def console(namespace: str, tmp_path: Path, *args: str, **extra_env: str):  # type: ignore[no-untyped-def]
    env = dict(os.environ, **extra_env)
    env.update(
        EASYSIGHT_NAMESPACE=namespace,
        EASYSIGHT_DATABASE_URL=f"sqlite:///{tmp_path / 'console.db'}",
        EASYSIGHT_DATA_DIR=str(tmp_path / "data"),
        EASYSIGHT_LOG_DIR=str(tmp_path / "logs"),
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "easysight_desktop.cli",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode, out.decode(), err.decode()


async def test_status_json_lists_queues_and_workers(namespace, tmp_path, start_worker) -> None:
    await start_worker(noop, worker_id="status-worker")
    code, out, err = await console(namespace, tmp_path, "status", "--json", "--wait", "1.5")
    assert code == 0, err
    report = json.loads(out)
    assert report["broker"]["ok"] is True
    assert "guest:guest" not in out
    queues = {q["name"]: q for q in report["queues"]}
    assert queues[f"{namespace}diagnosis_tasks"]["consumers"] == 1
    assert set(queues) >= {f"{namespace}task_results", f"{namespace}dead_letters"}
    [worker] = report["workers"]
    assert (worker["id"], worker["status"], worker["load"]) == ("status-worker", "online", "0/3")


async def test_status_with_the_broker_unreachable_says_so(namespace, tmp_path) -> None:
    code, out, _ = await console(
        namespace,
        tmp_path,
        "status",
        "--wait",
        "0.5",
        EASYSIGHT_RABBITMQ_URL="amqp://guest:guest@127.0.0.1:1/",
    )
    assert code == 1
    assert "broker    DOWN" in out and "127.0.0.1:1" in out and "guest:guest" not in out


async def test_submit_and_wait_prints_the_result(namespace, tmp_path, start_worker) -> None:
    await start_worker(noop)
    code, out, err = await console(
        namespace, tmp_path, "submit", "--camera", "noop://cam-7", "--wait", "--json"
    )
    assert code == 0, err
    [line] = out.strip().splitlines()
    result = json.loads(line)
    assert (result["camera"], result["state"], result["overall"]) == (
        "noop://cam-7",
        "completed",
        "normal",
    )


async def test_submit_unknown_camera_name_is_a_clear_error(namespace, tmp_path) -> None:
    code, _, err = await console(namespace, tmp_path, "submit", "--camera", "Nowhere")
    assert code == 2
    assert err.strip() == (
        "easysight-console: no camera named 'Nowhere' (give a URL to register a new one)"
    )


async def test_submit_with_a_template_sends_it_in_the_task(namespace, tmp_path, client) -> None:
    args = ("submit", "--camera", "noop://cam-10", "--template", "quick")
    code, out, err = await console(namespace, tmp_path, *args)
    assert code == 0, err
    queue = client.declared.queues[client.declared.topology.task_queue("diagnosis")]
    message = await queue.get(timeout=10)
    await message.ack()
    task = decode(message.body, message.type, TaskMessage)
    assert str(task.task_id) == out.strip()
    assert task.params.template == "quick" and task.params.checks == []


async def test_submit_unknown_template_is_a_clear_error(namespace, tmp_path) -> None:
    args = ("submit", "--camera", "noop://cam-9", "--template", "weekly")
    code, _, err = await console(namespace, tmp_path, *args)
    assert code == 2
    assert err.startswith("easysight-console: unknown template 'weekly'; known templates: ")


async def test_submit_without_wait_prints_the_task_ids_once_sent(namespace, tmp_path) -> None:
    code, out, err = await console(namespace, tmp_path, "submit", "--camera", "noop://cam-8")
    assert code == 0, err
    [task_id] = out.split()
    assert len(task_id) == 36 and err == ""
