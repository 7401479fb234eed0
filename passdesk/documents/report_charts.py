"""The report's charts as reportlab vector drawings: bars with their value written on them.

A hidden value (a small cell) draws no bar, only its mark, so a chart never shows what the
tables hide. Priority groups are drawn in the accent colour and named as such in the label
too (colour is never the only signal); a quota is a dashed line with its value written.
"""

from __future__ import annotations

from decimal import Decimal

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, Line, String

from passdesk.documents import _draw, fonts
from passdesk.documents.report_record import Chart, Hidden
from passdesk.formatting import format_number

TITLE_SIZE = 10
LABEL_SIZE = 7.5
MUTED = _draw.LIGHT_GREY


def _bar_text(value: int | Decimal | Hidden, suffix: str) -> str:
    if isinstance(value, Hidden):
        return value.mark
    if isinstance(value, Decimal):
        return f"{format_number(value)}{suffix}".replace(" %", "\u00a0%")
    return f"{format_number(value)}{suffix}"


def chart_drawing(chart: Chart, width: float, height: float) -> Drawing:
    """`chart` drawn in a `width` x `height` points box, its title on top."""
    fonts.register_fonts()
    drawing = Drawing(width, height)
    title, size = _draw.fit(chart.title, fonts.BOLD, TITLE_SIZE, width, 7)
    drawing.add(String(0, height - TITLE_SIZE, title, fontName=fonts.BOLD, fontSize=size))
    values = [0 if isinstance(v, Hidden) else float(v) for v in chart.values]
    top = max([*values, float(chart.target or 0), 1.0]) * 1.18
    plot_height = height - TITLE_SIZE - 14
    labels = list(chart.labels)
    if chart.highlight and any(chart.highlight):
        # Colour is never the only sign: the highlighted bars' names end with a star.
        labels = [f"{t} *" if h else t for t, h in zip(labels, chart.highlight, strict=True)]
        drawing.add(
            String(
                0,
                0,
                chart.highlight_label,
                fontName=fonts.REGULAR,
                fontSize=LABEL_SIZE,
                fillColor=_draw.ACCENT,
            )
        )
    if chart.horizontal:
        label_room = min(
            width * 0.45,
            max((_draw.width(t, fonts.REGULAR, LABEL_SIZE) for t in labels), default=0) + 6,
        )
        bars = HorizontalBarChart()
        # Bars of a steady thickness, however few: the plot takes the room it needs, at the top.
        needed = 18 * len(labels) + 8
        room = plot_height - 14
        bars.height = min(room, needed)
        bars.x, bars.y = label_room, 14 + room - bars.height
        bars.width = width - label_room - 10
        bars.categoryAxis.labels.boxAnchor = "e"
        bars.categoryAxis.reverseDirection = True  # the first row at the top, as in the table
        bars.barLabels.boxAnchor = "w"
        bars.barLabels.dx = 3
    else:
        bars = VerticalBarChart()
        bars.x, bars.y = 30, 28
        bars.width, bars.height = width - 40, plot_height - 28
        bars.categoryAxis.labels.angle = 45 if len(chart.labels) > 8 else 0
        bars.categoryAxis.labels.boxAnchor = "ne" if len(chart.labels) > 8 else "n"
        bars.categoryAxis.labels.dy = -2
        bars.barLabels.boxAnchor = "s"
        bars.barLabels.dy = 2
    bars.data = [values]
    bars.categoryAxis.categoryNames = labels
    for axis_labels in (bars.categoryAxis.labels, bars.valueAxis.labels, bars.barLabels):
        axis_labels.fontName = fonts.REGULAR
        axis_labels.fontSize = LABEL_SIZE
    bars.valueAxis.valueMin = 0
    bars.valueAxis.valueMax = top
    bars.valueAxis.visibleLabels = 0
    bars.valueAxis.visibleTicks = 0
    bars.valueAxis.visibleAxis = 0
    bars.categoryAxis.strokeColor = MUTED
    bars.barLabelFormat = "values"
    bars.barLabelArray = [[_bar_text(v, chart.value_suffix) for v in chart.values]]
    bars.bars.strokeColor = None
    bars.bars[0].fillColor = MUTED
    for i in range(len(values)):
        highlighted = not chart.highlight or chart.highlight[i]
        bars.bars[(0, i)].fillColor = _draw.ACCENT if highlighted else MUTED
    drawing.add(bars)
    if chart.target is not None and chart.horizontal:
        x = bars.x + bars.width * float(chart.target) / top
        drawing.add(
            Line(
                x,
                bars.y - 4,
                x,
                bars.y + bars.height + 2,
                strokeColor=_draw.ALERT,
                strokeWidth=1,
                strokeDashArray=[3, 2],
            )
        )
        drawing.add(
            String(
                x + 2,
                bars.y - 10,
                chart.target_label,
                fontName=fonts.REGULAR,
                fontSize=LABEL_SIZE,
                fillColor=_draw.ALERT,
            )
        )
    return drawing
