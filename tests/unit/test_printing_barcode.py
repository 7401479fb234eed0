"""Code 128 as drawn on vouchers: module sizes, quiet zones, and a real decoder reading it back."""

from __future__ import annotations

from pathlib import Path

import pytest
from printing_pages import decode, needs_poppler, page_images
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from passdesk import codes
from passdesk.documents import barcode
from passdesk.documents.barcode import MIN_MODULE, MODULE, QUIET_MODULES, Code128, draw_code128
from passdesk.documents.booklets.layout import (
    COVER_BARCODE_ROOM,
    STUB_BARCODE_ROOM,
    VOUCHER_BARCODE_ROOM,
)

# The widest 16-character symbol: no digit pairs, so Code 128 cannot shorten it with set C.
WORST_16 = "ABCDEFGHIJKLMNOP"


def test_module_is_safely_above_the_minimum() -> None:
    assert MODULE >= MIN_MODULE >= 0.33 * mm
    assert QUIET_MODULES >= 10


def test_pattern_comes_from_python_barcode() -> None:
    pattern = barcode.code128_modules("MGP19-0001234-21")
    assert set(pattern) == {"0", "1"}
    assert pattern.startswith("11010010000") or pattern.startswith("11010011100")  # start B / C
    assert pattern.endswith("1100011101011")  # stop


def test_bar_runs_are_one_rectangle_per_bar() -> None:
    assert barcode.bar_runs("1101000111") == [(0, 2), (3, 1), (7, 3)]
    assert barcode.bar_runs("") == []


@pytest.mark.parametrize(
    "code", [WORST_16, codes.voucher_code("LYO26", 1234567), codes.booklet_code("LYO26", 123456)]
)
def test_sixteen_characters_fit_voucher_stub_and_cover_at_full_size(code: str) -> None:
    symbol = Code128.of(code)
    assert len(code) == 16
    for room in (VOUCHER_BARCODE_ROOM, COVER_BARCODE_ROOM, STUB_BARCODE_ROOM):
        assert symbol.width(MODULE) <= room
        assert symbol.module_to_fit(room) == MODULE


@pytest.mark.parametrize(
    "code", [codes.voucher_code("ABCDEFGH", 1234567), codes.booklet_code("ABCDEFGH", 123456)]
)
def test_longest_register_codes_fit_above_the_minimum_module(code: str) -> None:
    symbol = Code128.of(code)
    assert len(code) == 19
    for room in (VOUCHER_BARCODE_ROOM, COVER_BARCODE_ROOM, STUB_BARCODE_ROOM):
        assert MIN_MODULE <= symbol.module_to_fit(room) <= MODULE


def test_too_long_a_code_is_refused_rather_than_squeezed() -> None:
    with pytest.raises(ValueError, match="too long"):
        Code128.of("X" * 40).module_to_fit(VOUCHER_BARCODE_ROOM)


def test_narrow_modules_and_unencodable_codes_are_refused(tmp_path: Path) -> None:
    canvas = Canvas(str(tmp_path / "x.pdf"))
    with pytest.raises(ValueError, match="0.33"):
        draw_code128(canvas, "MGP19-0001234-21", 0, 0, bar_height=10 * mm, module=0.3 * mm)
    with pytest.raises(ValueError):
        barcode.code128_modules("Hélène")
    with pytest.raises(ValueError):
        barcode.code128_modules("")


def test_drawn_width_includes_both_quiet_zones(tmp_path: Path) -> None:
    canvas = Canvas(str(tmp_path / "x.pdf"))
    code = "MGP19-0001234-21"
    width = draw_code128(canvas, code, 0, 0, bar_height=10 * mm)
    assert width == pytest.approx((len(barcode.code128_modules(code)) + 20) * MODULE)


@needs_poppler
@pytest.mark.parametrize("module", [MIN_MODULE, MODULE])
def test_a_drawn_symbol_decodes_at_150_dpi(tmp_path: Path, module: float) -> None:
    path = tmp_path / "one.pdf"
    canvas = Canvas(str(path), pagesize=(120 * mm, 40 * mm))
    code = codes.voucher_code("ABCDEFGH", 1234567)
    draw_code128(canvas, code, 5 * mm, 10 * mm, bar_height=12 * mm, module=module)
    canvas.save()
    assert b"/Subtype /Image" not in path.read_bytes()  # vectors only
    [image] = page_images(path)
    assert decode(image) == [code]
