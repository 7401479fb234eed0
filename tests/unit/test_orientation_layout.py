"""How the oriented places are laid out on receipts and slips: a distance is never split over
two lines, and the places go two a row, nearest first, so the columns stay even."""

from __future__ import annotations

import io
from typing import Any

import pytest
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from passdesk.documents import _blocks, fonts
from passdesk.documents.records import PlaceLine


def test_a_distance_stays_on_one_line_however_the_address_wraps() -> None:
    place = PlaceLine(
        "Médiathèque Georges-Brassens",
        address="9 avenue du Général-Leclerc, 2e étage",
        postcode="69100",
        commune="Villeurbanne",
        distance_km=3.42,
    )
    fonts.register_fonts()
    for width in range(60, 260, 4):  # every column width, down to a few words a line
        lines = [text for _f, _s, text, _c in _blocks.place_block(place, width, details=True)]
        assert any("à\u00a03,4\u00a0km" in line for line in lines), (width, lines)
        assert not any(line.rstrip().endswith("à") for line in lines), (width, lines)


def test_places_go_two_a_row_nearest_first(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: list[tuple[str, float, float]] = []
    real = _blocks.draw_block

    def record(c: Canvas, block: Any, x: float, top: float) -> float:
        drawn.append((block[0][2], round(x), round(top)))
        return real(c, block, x, top)

    monkeypatch.setattr(_blocks, "draw_block", record)
    fonts.register_fonts()
    places = tuple(
        PlaceLine(f"Lieu {n}", commune="Lyon", distance_km=float(n)) for n in range(1, 6)
    )
    canvas = Canvas(io.BytesIO())
    _blocks.draw_place_columns(canvas, places, 20 * mm, 170 * mm, 250 * mm, 20 * mm)
    names = [name for name, _x, _top in drawn]
    assert names == ["Lieu 1", "Lieu 2", "Lieu 3", "Lieu 4", "Lieu 5"]
    rows = [{top for name, _x, top in drawn if name in pair} for pair in
            (("Lieu 1", "Lieu 2"), ("Lieu 3", "Lieu 4"))]  # fmt: skip
    assert all(len(row) == 1 for row in rows)  # each pair shares its top
    assert drawn[0][1] == drawn[2][1] == drawn[4][1] < drawn[1][1] == drawn[3][1]
    # Room for two rows only: the fifth place is left out, not squeezed into a column.
    drawn.clear()
    row = _blocks.block_height(_blocks.place_block(places[0], 82 * mm, details=True))
    _blocks.draw_place_columns(
        canvas, places, 20 * mm, 170 * mm, 250 * mm, 250 * mm - 2.5 * row - 4 * mm
    )
    assert [name for name, _x, _top in drawn] == ["Lieu 1", "Lieu 2", "Lieu 3", "Lieu 4"]
