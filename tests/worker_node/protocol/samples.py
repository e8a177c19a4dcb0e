"""One fixed sample of every wire message, the source of the golden files."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from worker_node.protocol import (
    AiServiceParams,
    AiServiceResult,
    Camera,
    CheckResult,
    ControlMessage,
    Detection,
    DiagnosisParams,
    DiagnosisResult,
    ErrorInfo,
    EventParams,
    HeartbeatMessage,
    ResultMessage,
    TaskMessage,
)
from worker_node.protocol.messages import VersionedMessage

TASK_ID = UUID("6f1c2b7e-4c1d-4b8e-9a57-0d1e2f3a4b5c")
T0 = datetime(2026, 11, 27, 8, 30, 0, tzinfo=UTC)
T1 = datetime(2026, 11, 27, 8, 30, 2, 500000, tzinfo=UTC)
CAMERA = Camera(
    id="gate-1",
    name="Gate 1",
    url="rtsp://127.0.0.1:8554/gate-1",
    substream_url="rtsp://127.0.0.1:8554/gate-1/sub",
)

SAMPLES: dict[str, VersionedMessage] = {
    "task_diagnosis": TaskMessage(
        task_id=TASK_ID,
        attempt=1,
        kind="diagnosis",
        created_at=T0,
        deadline_s=300,
        priority=5,
        camera=CAMERA,
        params=DiagnosisParams(
            checks=["brightness", "clarity", "freeze", "signal_loss"],
            template="quick",
            thresholds={"brightness": {"min": 30, "max": 220}},
            frames=5,
            window_s=2.0,
            reference_jpeg="/9j/4AAQSkZJRg==",
        ),
    ),
    "task_ai_service": TaskMessage(
        task_id=TASK_ID,
        attempt=2,
        kind="ai_service",
        created_at=T0,
        camera=CAMERA,
        params=AiServiceParams(
            detector="hog", classes=["person"], min_confidence=0.4, roi=[(0, 0), (1, 0), (1, 1)]
        ),
    ),
    "task_event": TaskMessage(
        task_id=TASK_ID,
        kind="event",
        created_at=T0,
        camera=CAMERA,
        params=EventParams(event_type="loitering", duration_s=30, rules={"min_dwell_s": 20}),
    ),
    "result_diagnosis": ResultMessage(
        task_id=TASK_ID,
        attempt=1,
        kind="diagnosis",
        worker_id="worker-a",
        status="succeeded",
        started_at=T0,
        finished_at=T1,
        duration_ms=2500.0,
        result=DiagnosisResult(
            overall="warning",
            checks=[
                CheckResult(
                    type="brightness",
                    score=45,
                    status="warning",
                    value=24.5,
                    threshold=30,
                    message="too dark: mean grey 24 (normal 30–220)",
                    code="too_dark",
                    facts={"value": 24.5, "low": 30, "high": 220},
                )
            ],
            snapshot_jpeg="/9j/4AAQSkZJRg==",
        ),
    ),
    "result_ai_service": ResultMessage(
        task_id=TASK_ID,
        attempt=1,
        kind="ai_service",
        worker_id="worker-a",
        status="succeeded",
        started_at=T0,
        finished_at=T1,
        duration_ms=2500.0,
        result=AiServiceResult(
            detections=[Detection(label="person", confidence=0.91, box=(0.1, 0.2, 0.3, 0.6))]
        ),
    ),
    "result_failed": ResultMessage(
        task_id=TASK_ID,
        attempt=3,
        kind="diagnosis",
        worker_id="worker-b",
        status="failed",
        finished_at=T1,
        error=ErrorInfo(code="poison", message="delivered 4 times without finishing"),
    ),
    "heartbeat": HeartbeatMessage(
        worker_id="worker-a",
        host="analysis-01",
        pid=4242,
        version="0.1.0",
        started_at=T0,
        sent_at=T1,
        interval_s=30,
        state="busy",
        capacity=3,
        active=[TASK_ID],
        completed=120,
        failed=2,
        cpu_percent=55.5,
        memory_percent=12.25,
        providers=["CPUExecutionProvider"],
        kinds=["diagnosis"],
        inference_ms={"yolo-n": 41.2},
    ),
    "control_cancel": ControlMessage(
        command="cancel", task_id=TASK_ID, issued_at=T0, issued_by="operator@console-1"
    ),
}
