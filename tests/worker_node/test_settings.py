"""Settings: file, environment, precedence, one-line errors, masked secrets."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from worker_node.logs import MaskSecrets
from worker_node.settings import Settings, SettingsError, mask_url


def test_defaults_are_the_local_broker() -> None:
    settings = Settings.load(environ={})
    assert settings.rabbitmq_url == "amqp://guest:guest@127.0.0.1:5672/"
    assert (settings.queue_type, settings.max_concurrent_tasks) == ("classic", 3)
    assert (settings.heartbeat_interval, settings.task_timeout, settings.max_attempts) == (
        30,
        300,
        3,
    )
    assert settings.worker_id.startswith("worker-")


def test_environment_wins_over_file(tmp_path: Path) -> None:
    config = tmp_path / "easysight.toml"
    config.write_text('namespace = "from-file."\nqueue_type = "quorum"\nmax_attempts = 5\n')
    env = {"EASYSIGHT_NAMESPACE": "from-env.", "EASYSIGHT_KINDS": "diagnosis, event"}
    settings = Settings.load(config, environ=env)
    assert settings.namespace == "from-env."
    assert settings.queue_type == "quorum"
    assert settings.max_attempts == 5
    assert settings.kinds == ["diagnosis", "event"]


def test_config_file_from_environment(tmp_path: Path) -> None:
    config = tmp_path / "site.toml"
    config.write_text("max_concurrent_tasks = 8\n")
    assert Settings.load(environ={"EASYSIGHT_CONFIG": str(config)}).max_concurrent_tasks == 8


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"EASYSIGHT_QUEUE_TYPE": "stream"},
            "setting queue_type (from EASYSIGHT_QUEUE_TYPE): Input should be 'classic' or 'quorum'",
        ),
        (
            {"EASYSIGHT_RABBITMQ_URL": "localhost"},
            "setting rabbitmq_url (from EASYSIGHT_RABBITMQ_URL)",
        ),
        ({"EASYSIGHT_AMQP_HEARTBEAT_S": "60"}, "less than or equal to 20"),
        ({"EASYSIGHT_KINDS": "diagnosis,cooking"}, "setting kinds"),
    ],
)
def test_wrong_setting_is_one_line(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.load(environ=env)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_unknown_key_and_bad_toml_in_file(tmp_path: Path) -> None:
    config = tmp_path / "easysight.toml"
    config.write_text("max_concurent_tasks = 4\n")
    with pytest.raises(SettingsError, match="unknown setting 'max_concurent_tasks'"):
        Settings.load(config, environ={})
    config.write_text("namespace = \n")
    with pytest.raises(SettingsError, match="not valid TOML"):
        Settings.load(config, environ={})
    with pytest.raises(SettingsError, match="does not exist"):
        Settings.load(tmp_path / "missing.toml", environ={})


def test_password_is_masked() -> None:
    url = "amqps://ops:s3cr%40t@broker.example:5671/site"
    assert mask_url(url) == "amqps://ops:***@broker.example:5671/site"
    assert Settings.load(environ={"EASYSIGHT_RABBITMQ_URL": url}).safe_rabbitmq_url == (
        "amqps://ops:***@broker.example:5671/site"
    )
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "connecting to %s", (url,), None)
    MaskSecrets().filter(record)
    assert "s3cr" not in record.getMessage()


def test_cli_reports_a_wrong_setting_in_one_line() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "worker_node.cli", "run"],
        env={"EASYSIGHT_QUEUE_TYPE": "stream", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "easysight-worker: setting queue_type (from EASYSIGHT_QUEUE_TYPE): "
        "Input should be 'classic' or 'quorum'"
    ]


def test_site_thresholds_from_file_and_environment(tmp_path: Path) -> None:
    config = tmp_path / "easysight.toml"
    config.write_text("[thresholds.brightness]\nmin_mean = 20\n")
    assert Settings.load(config, environ={}).thresholds == {"brightness": {"min_mean": 20.0}}
    env = {"EASYSIGHT_THRESHOLDS": '{"clarity": {"min_variance": 80}}'}
    assert Settings.load(environ=env).thresholds == {"clarity": {"min_variance": 80.0}}
    with pytest.raises(SettingsError, match=r"thresholds \(from EASYSIGHT_THRESHOLDS\): .*JSON"):
        Settings.load(environ={"EASYSIGHT_THRESHOLDS": "brightness=20"})


def test_worker_refuses_an_unknown_threshold_at_start(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "worker_node.cli", "run"],
        env={
            "EASYSIGHT_THRESHOLDS": '{"brightness": {"min_mena": 20}}',
            "EASYSIGHT_LOG_DIR": str(tmp_path),
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "easysight-worker: setting thresholds: unknown threshold 'min_mena' for check "
        "'brightness'; known: min_mean, max_mean"
    ]
