"""One settings model, read from a TOML file and ``EASYSIGHT_*`` environment variables.

The environment wins over the file, the file over the defaults. A wrong value is reported as a
one-line :class:`SettingsError` that names the setting and where it came from. The only credential
in code is the local ``guest`` default; URLs are masked with :func:`mask_url` wherever shown.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import socket
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from worker_node.protocol import QueueType, TaskKind

ENV_PREFIX = "EASYSIGHT_"
CONFIG_ENV = "EASYSIGHT_CONFIG"
APP_NAME = "easysight"


class SettingsError(ValueError):
    """A setting that cannot be used; its text is one line an admin can act on."""


def default_worker_id() -> str:
    """A stable id for this machine: ``worker-<short host name>``."""
    host = socket.gethostname().split(".")[0].lower() or "local"
    return "worker-" + re.sub(r"[^a-z0-9_-]", "-", host)


def _default_kinds() -> list[TaskKind]:
    return ["diagnosis"]


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "operator"


def mask_url(url: str) -> str:
    """Hide the password of ``scheme://user:password@host`` so a URL can be logged or shown."""
    return re.sub(r"(?<=://)([^:/@]*):([^@/]*)@", lambda m: f"{m.group(1)}:***@", url)


class Settings(BaseModel):
    """Everything a worker node, and the broker side of a console, can be told."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    rabbitmq_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    namespace: str = Field(default="", pattern=r"^[A-Za-z0-9_.-]*$")
    queue_type: QueueType = "classic"
    amqp_heartbeat_s: int = Field(default=15, ge=1, le=20)
    max_attempts: int = Field(default=3, ge=1, le=100)

    worker_id: str = Field(default_factory=default_worker_id, pattern=r"^[A-Za-z0-9_.-]+$")
    kinds: list[TaskKind] = Field(default_factory=lambda: _default_kinds())
    max_concurrent_tasks: int = Field(default=3, ge=1, le=64)
    heartbeat_interval: float = Field(default=30.0, gt=0, le=3600)
    task_timeout: float = Field(default=300.0, gt=0, le=86400)
    source_timeout: float = Field(default=10.0, gt=0, le=300)
    shutdown_grace: float = Field(default=30.0, ge=0, le=3600)
    # Site-wide diagnosis thresholds over the checks' defaults (TOML: [thresholds.brightness]
    # min_mean = 20; environment: JSON). Templates and a task's own thresholds still win. The
    # names are checked against the registered checks when a worker starts.
    thresholds: dict[str, dict[str, float]] = Field(default_factory=dict)
    log_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_log_dir(APP_NAME)))
    log_level: str = Field(default="INFO", pattern=r"^(DEBUG|INFO|WARNING|ERROR)$")

    # The operator console's own settings (a worker ignores them).
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite in data_dir"
    )
    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir(APP_NAME)))
    management_url: str | None = Field(
        default=None, description="RabbitMQ management API, e.g. http://127.0.0.1:15672/"
    )
    monitor_interval: float = Field(default=5.0, gt=0, le=600)
    offline_after_missed: int = Field(default=3, ge=1, le=100)
    # Cameras not on a live wall are probed (TCP connect) this often; one offline this long
    # raises a device_offline alarm.
    camera_probe_interval: float = Field(default=30.0, ge=1, le=3600)
    camera_offline_alarm_after: float = Field(default=10.0, ge=0, le=3600)
    operator: str = Field(default_factory=lambda: _login_name(), min_length=1)
    # The language of check titles and findings in the console: "auto" follows the system locale.
    language: str = Field(default="auto", pattern=r"^(auto|en|zh)$")

    @field_validator("rabbitmq_url")
    @classmethod
    def _amqp_url(cls, value: str) -> str:
        if not re.match(r"^amqps?://[^/]+", value):
            raise ValueError("must look like amqp://user:password@host:5672/vhost")
        return value

    @field_validator("kinds", mode="before")
    @classmethod
    def _split_list(cls, value: Any) -> Any:
        return (
            [v.strip() for v in value.split(",") if v.strip()] if isinstance(value, str) else value
        )

    @field_validator("thresholds", mode="before")
    @classmethod
    def _thresholds_json(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise ValueError('must be JSON like {"brightness": {"min_mean": 20}}') from None

    @property
    def safe_rabbitmq_url(self) -> str:
        return mask_url(self.rabbitmq_url)

    @property
    def resolved_database_url(self) -> str:
        """The database to use: ``database_url``, or SQLite in ``data_dir``."""
        return self.database_url or f"sqlite:///{self.data_dir / 'easysight.db'}"

    @classmethod
    def load(
        cls,
        config_file: str | Path | None = None,
        environ: Mapping[str, str] | None = None,
        **overrides: Any,
    ) -> Self:
        """Defaults, then the TOML file, then ``EASYSIGHT_*`` variables, then ``overrides``."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        sources: dict[str, str] = {}
        path = _config_path(config_file, environ)
        if path is not None:
            for key, value in _read_toml(path).items():
                values[key], sources[key] = value, str(path)
        for name in cls.model_fields:
            env_name = ENV_PREFIX + name.upper()
            if env_name in environ:
                values[name], sources[name] = environ[env_name], env_name
        for key, value in overrides.items():
            if value is not None:
                values[key], sources[key] = value, "command line"
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            raise SettingsError(_one_line(exc, sources)) from None


def _config_path(config_file: str | Path | None, environ: Mapping[str, str]) -> Path | None:
    if config_file is None and environ.get(CONFIG_ENV):
        config_file = environ[CONFIG_ENV]
    if config_file is not None:
        path = Path(config_file)
        if not path.is_file():
            raise SettingsError(f"config file {path} does not exist")
        return path
    default = Path(platformdirs.user_config_dir(APP_NAME)) / "easysight.toml"
    return default if default.is_file() else None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"config file {path} is not valid TOML: {exc}") from None


def _one_line(exc: ValidationError, sources: Mapping[str, str]) -> str:
    err = exc.errors()[0]
    name = str(err["loc"][0]) if err["loc"] else "settings"
    origin = sources.get(name, "default")
    if err["type"] == "extra_forbidden":
        return f"unknown setting {name!r} (from {origin})"
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"setting {name} (from {origin}): {err['msg']}{more}"
