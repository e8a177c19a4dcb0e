"""The diagnosis checks the operator can choose, and their display names.

Hard-coded here because the console must not import ``worker_node.analysis`` (import contract);
keep it in step with ``worker_node.analysis.known_checks()``. A later issue adds the remaining
checks of DESIGN §5; until the workers implement them they are not offered.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

CONTEXT = "catalogue"

# (wire name, English label) in the order the dialog lists them.
DIAGNOSIS_CHECKS: tuple[tuple[str, str], ...] = (
    ("brightness", QT_TRANSLATE_NOOP("catalogue", "Brightness")),
    ("clarity", QT_TRANSLATE_NOOP("catalogue", "Clarity (blur)")),
    ("freeze", QT_TRANSLATE_NOOP("catalogue", "Frozen image")),
    ("signal_loss", QT_TRANSLATE_NOOP("catalogue", "Signal loss")),
    ("blue_screen", QT_TRANSLATE_NOOP("catalogue", "Blue screen")),
    ("color_cast", QT_TRANSLATE_NOOP("catalogue", "Colour cast")),
    ("contrast", QT_TRANSLATE_NOOP("catalogue", "Contrast")),
    ("noise", QT_TRANSLATE_NOOP("catalogue", "Noise")),
    ("occlusion", QT_TRANSLATE_NOOP("catalogue", "Occlusion")),
    ("snow", QT_TRANSLATE_NOOP("catalogue", "Snow (sparkling dots)")),
)

CHECK_HINTS: dict[str, str] = {
    "brightness": QT_TRANSLATE_NOOP("catalogue", "Too dark or over-exposed picture"),
    "clarity": QT_TRANSLATE_NOOP("catalogue", "Out of focus or blurred picture"),
    "freeze": QT_TRANSLATE_NOOP("catalogue", "The picture does not change (needs several frames)"),
    "signal_loss": QT_TRANSLATE_NOOP("catalogue", "No stream, black or blue screen"),
    "blue_screen": QT_TRANSLATE_NOOP("catalogue", 'Blue "no signal" screen instead of a picture'),
    "color_cast": QT_TRANSLATE_NOOP("catalogue", "The picture is tinted one colour"),
    "contrast": QT_TRANSLATE_NOOP("catalogue", "Flat, washed-out picture (fog, glare)"),
    "noise": QT_TRANSLATE_NOOP("catalogue", "Grainy picture (high gain, failing sensor)"),
    "occlusion": QT_TRANSLATE_NOOP("catalogue", "Part of the view blocked in front of the lens"),
    "snow": QT_TRANSLATE_NOOP("catalogue", "Sparkling dots from a weak or disturbed signal"),
}


def check_names() -> tuple[str, ...]:
    return tuple(name for name, _ in DIAGNOSIS_CHECKS)


def check_label(name: str) -> str:
    """The translated label of a check; the wire name itself for one this console does not know."""
    for known, label in DIAGNOSIS_CHECKS:
        if known == name:
            return QCoreApplication.translate(CONTEXT, label)
    return name


def check_hint(name: str) -> str:
    hint = CHECK_HINTS.get(name)
    return QCoreApplication.translate(CONTEXT, hint) if hint else ""
