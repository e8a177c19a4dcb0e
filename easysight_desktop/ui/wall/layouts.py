"""The wall's layouts: where each tile sits on a square grid.

"1+5" and "1+7" are the control-room classics: one large tile (the camera that matters now) and
a border of small ones. A cell is ``(row, column, row span, column span)``; tile 0 is the large one.
"""

from __future__ import annotations

from dataclasses import dataclass

Cell = tuple[int, int, int, int]


@dataclass(frozen=True)
class WallLayout:
    name: str  # as saved in the settings and shown in the chooser
    grid: int  # rows = columns
    cells: tuple[Cell, ...]

    @property
    def size(self) -> int:
        return len(self.cells)


def _square(n: int) -> tuple[Cell, ...]:
    return tuple((r, c, 1, 1) for r in range(n) for c in range(n))


def _one_plus(grid: int) -> tuple[Cell, ...]:
    """One tile of (grid-1)² cells top-left, small tiles down the right and along the bottom."""
    big = grid - 1
    right = tuple((r, big, 1, 1) for r in range(big))
    bottom = tuple((big, c, 1, 1) for c in range(grid))
    return ((0, 0, big, big), *right, *bottom)


LAYOUTS: dict[str, WallLayout] = {
    layout.name: layout
    for layout in (
        WallLayout("1", 1, _square(1)),
        WallLayout("4", 2, _square(2)),
        WallLayout("9", 3, _square(3)),
        WallLayout("16", 4, _square(4)),
        WallLayout("1+5", 3, _one_plus(3)),
        WallLayout("1+7", 4, _one_plus(4)),
    )
}
DEFAULT_LAYOUT = "4"
