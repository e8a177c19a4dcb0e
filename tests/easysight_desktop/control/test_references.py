"""Reference views for scene_change: kept from a first healthy picture, set and cleared by the
operator, sent with every diagnosis task of the camera; alarms keeping their finding's code and
facts; and the schema change (0002) that holds both."""

from __future__ import annotations

import base64
import threading
import uuid

import pytest
from sqlalchemy import inspect, select, text

from easysight_desktop.control.db.database import Database
from easysight_desktop.control.db.migrate import alembic_config, current_revision, head_revision
from easysight_desktop.control.db.models import AuditEntry
from easysight_desktop.control.views import CameraInput
from tests.support.broker import BrokerClient
from worker_node.protocol import (
    CheckResult,
    DiagnosisResult,
    ResultMessage,
    TaskMessage,
    to_amqp,
    utcnow,
)

# Two different (tiny, not decodable) "JPEGs": the console stores and sends bytes as they are.
PICTURE_A = b"\xff\xd8 first picture \xff\xd9"
PICTURE_B = b"\xff\xd8 second picture \xff\xd9"


def result(task_id: uuid.UUID, overall: str, picture: bytes | None) -> ResultMessage:
    check = CheckResult(type="brightness", score=90, status=overall, message="m")  # type: ignore[arg-type]
    return ResultMessage(
        task_id=task_id,
        attempt=1,
        kind="diagnosis",
        worker_id="w1",
        status="succeeded",
        started_at=utcnow(),
        finished_at=utcnow(),
        duration_ms=5.0,
        result=DiagnosisResult(
            overall=overall,  # type: ignore[arg-type]
            checks=[check],
            snapshot_jpeg=base64.b64encode(picture).decode() if picture else None,
        ),
    )


async def diagnosed(plane, log, client: BrokerClient, camera_id: int, outcome: ResultMessage):  # type: ignore[no-untyped-def]
    """One recorded diagnosis of the camera with ``outcome`` as its result."""
    [task] = await plane.create_tasks(
        "diagnosis", {"checks": ["brightness"]}, camera_ids=[camera_id], submit_now=False
    )
    await log.arrived.wait_until(plane.broker.connected.is_set, 10, "the broker")
    recorded = plane.recorder.recorded
    assert client.declared is not None
    message = outcome.model_copy(update={"task_id": task.id})
    await client.declared.results.publish(to_amqp(message), routing_key="")
    await log.arrived.wait_until(
        lambda: plane.recorder.recorded > recorded, 10, "the result recorded"
    )
    return task


def audit_actions(plane) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return plane.db.run_blocking(
        lambda s: [
            (e.actor, e.action)
            for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))
            if "reference" in e.action
        ]
    )


@pytest.mark.broker
async def test_the_first_healthy_picture_becomes_the_reference(make_plane, client) -> None:  # type: ignore[no-untyped-def]
    plane, log = await make_plane()
    camera = await plane.add_camera(CameraInput(name="Dock", url="noop://dock"))
    await diagnosed(plane, log, client, camera.id, result(uuid.uuid4(), "warning", PICTURE_A))
    assert await plane.reference(camera.id) is None  # an unhealthy picture is no reference
    await diagnosed(plane, log, client, camera.id, result(uuid.uuid4(), "normal", None))
    assert await plane.reference(camera.id) is None  # healthy, but no picture to keep

    await diagnosed(plane, log, client, camera.id, result(uuid.uuid4(), "normal", PICTURE_B))
    assert await plane.reference(camera.id) == PICTURE_B
    [view] = [c for c in await plane.cameras() if c.id == camera.id]
    assert view.reference_taken_at is not None
    await diagnosed(plane, log, client, camera.id, result(uuid.uuid4(), "normal", PICTURE_A))
    assert await plane.reference(camera.id) == PICTURE_B  # kept: only a camera without one
    assert audit_actions(plane) == [("easysight", "set_reference")]


@pytest.mark.broker
async def test_the_operator_sets_and_clears_the_reference(make_plane, client) -> None:  # type: ignore[no-untyped-def]
    plane, log = await make_plane()
    camera = await plane.add_camera(CameraInput(name="Gate", url="noop://gate"))
    with pytest.raises(ValueError, match="no diagnosis picture yet"):
        await plane.set_reference(camera.id)
    await diagnosed(plane, log, client, camera.id, result(uuid.uuid4(), "critical", PICTURE_A))
    assert await plane.reference(camera.id) is None

    view = await plane.set_reference(camera.id)  # from the latest picture, healthy or not
    assert view.reference_taken_at is not None
    assert await plane.reference(camera.id) == PICTURE_A
    files = list((plane.data_dir / "references").iterdir())
    assert len(files) == 1

    await diagnosed(plane, log, client, camera.id, result(uuid.uuid4(), "warning", PICTURE_B))
    await plane.set_reference(camera.id)
    assert await plane.reference(camera.id) == PICTURE_B
    assert len(list((plane.data_dir / "references").iterdir())) == 1  # the old file is gone

    view = await plane.clear_reference(camera.id)
    assert view.reference_taken_at is None
    assert await plane.reference(camera.id) is None
    assert list((plane.data_dir / "references").iterdir()) == []
    assert audit_actions(plane) == [
        ("tester", "set_reference"),
        ("tester", "set_reference"),
        ("tester", "clear_reference"),
    ]
    with pytest.raises(LookupError):
        await plane.set_reference(camera.id + 100)


@pytest.mark.broker
async def test_alarms_keep_the_findings_code_and_facts(make_plane, client) -> None:  # type: ignore[no-untyped-def]
    plane, log = await make_plane()
    camera = await plane.add_camera(CameraInput(name="Yard", url="noop://yard"))
    facts = {"value": 11.0, "low": 30.0, "high": 220.0}
    dark = CheckResult(
        type="brightness", score=20, status="error", message="too dark", code="too_dark",
        facts=facts,
    )  # fmt: skip
    old = CheckResult(type="clarity", score=20, status="warning", message="blurred")
    outcome = result(uuid.uuid4(), "error", None)
    payload = outcome.result.model_copy(update={"checks": [dark, old]})  # type: ignore[union-attr]
    await diagnosed(plane, log, client, camera.id, outcome.model_copy(update={"result": payload}))
    alarms = {a.source: a for a in await plane.alarms()}
    assert (alarms["diagnosis.brightness"].code, alarms["diagnosis.brightness"].facts) == (
        "too_dark",
        facts,
    )
    assert (alarms["diagnosis.clarity"].code, alarms["diagnosis.clarity"].facts) == (None, {})
    [shown] = await plane.results((await plane.tasks())[0].id)
    assert [(c.code, c.facts) for c in shown.checks] == [("too_dark", facts), (None, {})]


@pytest.mark.broker
async def test_diagnosis_tasks_carry_the_reference(make_plane, client, start_worker) -> None:  # type: ignore[no-untyped-def]
    received: list[TaskMessage] = []

    def keep(task: TaskMessage, cancel: threading.Event) -> DiagnosisResult:
        received.append(task)
        return DiagnosisResult(overall="warning", checks=[])  # no new reference from these

    plane, log = await make_plane()
    await start_worker(keep)
    with_ref = await plane.add_camera(CameraInput(name="Hall", url="noop://hall"))
    without = await plane.add_camera(CameraInput(name="Roof", url="noop://roof"))
    await diagnosed(plane, log, client, with_ref.id, result(uuid.uuid4(), "normal", PICTURE_A))
    assert await plane.reference(with_ref.id) == PICTURE_A

    tasks = await plane.create_tasks(
        "diagnosis", {"template": "quick"}, camera_ids=[with_ref.id, without.id]
    )
    assert {t.template for t in tasks} == {"quick"}
    await log.arrived.wait_until(lambda: len(received) == 2, 20, "both tasks at the worker")
    by_camera = {task.camera.name: task.params for task in received}
    assert base64.b64decode(by_camera["Hall"].reference_jpeg) == PICTURE_A  # type: ignore[union-attr, arg-type]
    assert by_camera["Roof"].reference_jpeg is None  # type: ignore[union-attr]
    assert by_camera["Hall"].template == "quick"  # type: ignore[union-attr]
    # Stored once as a file, not in every task row.
    stored = await plane.db.run(
        lambda s: s.execute(text("select params from tasks")).scalars().all()
    )
    assert all("reference_jpeg" not in str(params) for params in stored)


async def test_migration_upgrades_an_existing_0001_database(database_url: str) -> None:
    from alembic import command

    db = Database(database_url)
    try:
        with db.engine.begin() as connection:
            command.upgrade(alembic_config(connection), "0001")
            connection.execute(
                text(
                    "insert into cameras (name, url, location, enabled, status, created_at)"
                    " values ('Old', 'rtsp://old', '', true, 'normal', :at)"
                ),
                {"at": utcnow()},
            )
        assert current_revision(db.engine) == "0001"
        columns = {c["name"] for c in inspect(db.engine).get_columns("cameras")}
        assert "reference_path" not in columns

        await db.migrate()
        assert current_revision(db.engine) == head_revision() == "0002"
        columns = {c["name"] for c in inspect(db.engine).get_columns("cameras")}
        assert {"reference_path", "reference_taken_at"} <= columns
        assert {"code", "facts"} <= {c["name"] for c in inspect(db.engine).get_columns("alarms")}
        with db.engine.connect() as connection:
            rows = connection.execute(
                text("select name, reference_path, reference_taken_at from cameras")
            ).all()
        assert [tuple(r) for r in rows] == [("Old", None, None)]  # existing cameras kept
    finally:
        db.close()
