"""The ``language`` setting: validated, and ``auto`` follows the system locale."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QLocale

from easysight_desktop.ui import catalogue
from worker_node.settings import Settings, SettingsError


def test_the_setting_is_validated_and_read_from_the_environment(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert Settings().language == "auto"
    assert Settings.load(environ={"EASYSIGHT_LANGUAGE": "zh"}).language == "zh"
    with pytest.raises(SettingsError, match="language"):
        Settings.load(environ={"EASYSIGHT_LANGUAGE": "fr"})


class _Locale:
    def __init__(self, language: QLocale.Language) -> None:
        self._language = language

    def language(self) -> QLocale.Language:
        return self._language


@pytest.mark.parametrize(
    ("system", "expected"),
    [(QLocale.Language.Chinese, "zh"), (QLocale.Language.German, "en")],
)
def test_auto_follows_the_system_locale(monkeypatch, language, system, expected) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(catalogue.QLocale, "system", staticmethod(lambda: _Locale(system)))
    assert language("auto") == expected == catalogue.language()
    assert language("en") == "en"  # an explicit choice wins over the locale
    assert catalogue.check_label("brightness") == "Brightness"
