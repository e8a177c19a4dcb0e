"""The wire messages: one pydantic model per message, each with its AMQP ``type`` version.

Both programs import these; a change here is a change of the contract, so the golden files in
``tests/protocol/golden`` must change with it (and a breaking change needs a new version).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Literal
from uuid import UUID

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

TaskKind = Literal["diagnosis", "event", "ai_service"]
TASK_KINDS: tuple[TaskKind, ...] = ("diagnosis", "event", "ai_service")
CheckStatus = Literal["normal", "warning", "error", "critical"]
ResultStatus = Literal["started", "succeeded", "failed", "timeout", "cancelled"]
WorkerState = Literal["online", "busy", "draining", "paused"]
ControlCommand = Literal["drain", "pause", "resume", "cancel", "shutdown"]

Score = Annotated[float, Field(ge=0, le=100)]
Unit = Annotated[float, Field(ge=0, le=1)]
Point = tuple[Unit, Unit]
# A JPEG thumbnail of at most 200 KB, base64 encoded (4 characters per 3 bytes).
MAX_SNAPSHOT_B64 = (200 * 1024 * 4) // 3 + 4


def utcnow() -> datetime:
    """Aware UTC now: every timestamp on the wire is UTC."""
    return datetime.now(UTC)


class WireModel(BaseModel):
    """Base of every wire model: unknown fields are refused, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class VersionedMessage(WireModel):
    """A top-level message; ``MESSAGE_TYPE`` goes into the AMQP ``type`` property."""

    MESSAGE_TYPE: ClassVar[str]


# --- task ------------------------------------------------------------------------------------


class Camera(WireModel):
    id: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=200)
    url: str = Field(min_length=1, max_length=2000)
    substream_url: str | None = None


class DiagnosisParams(WireModel):
    checks: list[str] = Field(default_factory=list, description="empty: every check")
    template: str | None = None
    thresholds: dict[str, dict[str, float]] = Field(default_factory=dict)
    frames: int = Field(default=5, ge=0, le=250)
    window_s: float = Field(default=2.0, ge=0, le=120)
    reference_jpeg: str | None = Field(
        default=None,
        max_length=MAX_SNAPSHOT_B64,
        description="base64 JPEG of the camera's reference view, for scene_change",
    )


class AiServiceParams(WireModel):
    detector: str = "hog"
    classes: list[str] = Field(default_factory=list)
    min_confidence: Unit = 0.5
    roi: list[Point] | None = None


class EventParams(WireModel):
    event_type: Literal[
        "intrusion",
        "perimeter_breach",
        "loitering",
        "crowd",
        "object_left",
        "object_removed",
        "device_offline",
    ]
    roi: list[Point] | None = None
    duration_s: float = Field(default=10.0, ge=0, le=3600)
    rules: dict[str, float | int | str | bool] = Field(default_factory=dict)


TaskParams = DiagnosisParams | AiServiceParams | EventParams
_PARAMS_BY_KIND: dict[str, type[WireModel]] = {
    "diagnosis": DiagnosisParams,
    "ai_service": AiServiceParams,
    "event": EventParams,
}


class TaskMessage(VersionedMessage):
    MESSAGE_TYPE: ClassVar[str] = "easysight.task.v1"

    task_id: UUID
    attempt: int = Field(default=1, ge=1)
    kind: TaskKind
    created_at: AwareDatetime = Field(default_factory=utcnow)
    deadline_s: float = Field(default=300.0, gt=0, le=86400)
    priority: int = Field(default=0, ge=0, le=10)
    camera: Camera
    params: TaskParams

    @model_validator(mode="before")
    @classmethod
    def _params_match_kind(cls, data: Any) -> Any:
        """Parse ``params`` with the model of the task's kind, so a wrong shape is an error."""
        if isinstance(data, dict):
            model = _PARAMS_BY_KIND.get(str(data.get("kind")))
            params = data.get("params", {})
            if model is not None and isinstance(params, dict):
                try:
                    data = {**data, "params": model.model_validate(params)}
                except ValidationError as exc:
                    raise ValueError(
                        "; ".join(
                            f"params.{'.'.join(map(str, e['loc']))}: {e['msg']}"
                            for e in exc.errors()
                        )
                    ) from None
            elif model is not None and not isinstance(params, model):
                raise ValueError(f"params must be {model.__name__} for kind {data.get('kind')!r}")
        return data

    @property
    def message_id(self) -> str:
        return f"{self.task_id}:{self.attempt}"


# --- result ----------------------------------------------------------------------------------


class CheckResult(WireModel):
    type: str
    score: Score
    status: CheckStatus
    value: float | None = None
    threshold: float | None = None
    message: str = Field(default="", description="the finding in English")
    code: str | None = Field(default=None, description="finding code in the check catalogue")
    facts: dict[str, float | str] = Field(
        default_factory=dict, description="the figures the catalogue's wording fills in"
    )


class DiagnosisResult(WireModel):
    overall: CheckStatus
    checks: list[CheckResult]
    snapshot_jpeg: str | None = Field(default=None, max_length=MAX_SNAPSHOT_B64)


class Detection(WireModel):
    label: str
    confidence: Unit
    box: tuple[Unit, Unit, Unit, Unit] = Field(description="x1, y1, x2, y2, normalised")


class AiServiceResult(WireModel):
    detections: list[Detection]


class EventResult(WireModel):
    events: list[dict[str, Any]]


class ErrorInfo(WireModel):
    code: str
    message: str


class ResultMessage(VersionedMessage):
    MESSAGE_TYPE: ClassVar[str] = "easysight.result.v1"

    task_id: UUID
    attempt: int = Field(ge=1)
    kind: TaskKind
    worker_id: str
    status: ResultStatus
    started_at: AwareDatetime | None = None
    finished_at: AwareDatetime | None = None
    duration_ms: float | None = Field(default=None, ge=0)
    result: DiagnosisResult | AiServiceResult | EventResult | None = None
    error: ErrorInfo | None = None

    @property
    def message_id(self) -> str:
        return f"{self.task_id}:{self.attempt}:{self.status}"

    @classmethod
    def for_task(
        cls, task: TaskMessage, worker_id: str, status: ResultStatus, **fields: Any
    ) -> ResultMessage:
        """A result about ``task``'s current attempt (the identifying fields copied over)."""
        return cls(
            task_id=task.task_id,
            attempt=task.attempt,
            kind=task.kind,
            worker_id=worker_id,
            status=status,
            **fields,
        )


# --- heartbeat and control -------------------------------------------------------------------


class HeartbeatMessage(VersionedMessage):
    MESSAGE_TYPE: ClassVar[str] = "easysight.heartbeat.v1"

    worker_id: str
    host: str
    pid: int
    version: str
    started_at: AwareDatetime
    sent_at: AwareDatetime
    interval_s: float = Field(gt=0)
    state: WorkerState
    capacity: int = Field(ge=0)
    active: list[UUID] = Field(default_factory=list)
    completed: int = Field(default=0, ge=0)
    failed: int = Field(default=0, ge=0)
    cpu_percent: float = Field(default=0.0, ge=0)
    memory_percent: float = Field(default=0.0, ge=0)
    providers: list[str] = Field(default_factory=list)
    kinds: list[TaskKind] = Field(default_factory=list)
    inference_ms: dict[str, float] = Field(default_factory=dict)


class ControlMessage(VersionedMessage):
    MESSAGE_TYPE: ClassVar[str] = "easysight.control.v1"

    command: ControlCommand
    task_id: UUID | None = None
    issued_at: AwareDatetime = Field(default_factory=utcnow)
    issued_by: str = Field(min_length=1)

    @model_validator(mode="after")
    def _cancel_names_a_task(self) -> ControlMessage:
        if self.command == "cancel" and self.task_id is None:
            raise ValueError("cancel needs a task_id")
        return self


MESSAGE_TYPES: dict[str, type[VersionedMessage]] = {
    m.MESSAGE_TYPE: m for m in (TaskMessage, ResultMessage, HeartbeatMessage, ControlMessage)
}
