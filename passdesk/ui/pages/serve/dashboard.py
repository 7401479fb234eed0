"""The dashboard the serve page shows while no person is open: handouts per week, the stock of
each programme and the day it runs out at the current pace, the priority-quota gauge and the
usage rate.

It asks the dashboard service through the runner, so a refresh (after each person, or F5)
never holds the window; an answer that comes after a newer request is dropped. Every chart
also says its figures in words, for screen readers and for whoever prefers reading.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QPieSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from passdesk.formatting import format_date, format_number, format_percent
from passdesk.i18n import N_, _
from passdesk.services.dashboard import Dashboard, StockOutlook
from passdesk.services.report_figures import QuotaLine
from passdesk.ui.context import UiContext
from passdesk.ui.widgets.basics import MessageLabel, failure_message, scaled_font
from passdesk.ui.widgets.forms import shortcut_button
from passdesk.ui.widgets.table_models import Column, RowTableModel, configure_view

log = logging.getLogger(__name__)

ACCENT = QColor("#114B5F")
MUTED = QColor("#BBBBBB")
REFRESH_SHORTCUT = "F5"


def _runs_out(row: StockOutlook) -> str:
    if row.runs_out_on is None:
        return _("nothing handed out lately")
    if row.runs_out_on > row.valid_until:
        return _("after the end of validity ({date})").format(date=format_date(row.valid_until))
    return format_date(row.runs_out_on)


STOCK_COLUMNS: list[Column[StockOutlook]] = [
    Column(N_("Programme"), lambda r: r.code),
    Column(N_("In stock"), lambda r: format_number(r.in_stock), align_right=True),
    Column(N_("Booklets a week"), lambda r: format_number(r.per_week), align_right=True),
    Column(N_("Runs out around"), _runs_out),
]


def quota_text(line: QuotaLine) -> str:
    """The gauge in words: "MGP19: 43,8 % of the vouchers to priority groups (quota 50 %),
    not met"."""
    if line.share is None:
        return _("{code}: no voucher handed out yet.").format(code=line.programme)
    if line.quota is None:
        return _("{code}: {share} of the vouchers to the priority groups (no quota).").format(
            code=line.programme, share=format_percent(line.share)
        )
    return _(
        "{code}: {share} of the vouchers to the priority groups (quota {quota}), {verdict}."
    ).format(
        code=line.programme,
        share=format_percent(line.share),
        quota=format_percent(line.quota),
        verdict=_("met") if line.met else _("not met"),
    )


def quota_lines(line: QuotaLine) -> str:
    """The gauge's caption, in short lines (a wrapped label would make the page taller than
    its figures need)."""
    if line.share is None:
        return _("{code}\nno voucher handed out yet").format(code=line.programme)
    lines = [
        _("{code}: {share}").format(code=line.programme, share=format_percent(line.share)),
        _("of the vouchers to the priority groups"),
    ]
    if line.quota is None:
        lines.append(_("no quota"))
    else:
        lines.append(
            _("quota {quota}: {verdict}").format(
                quota=format_percent(line.quota), verdict=_("met") if line.met else _("not met")
            )
        )
    return "\n".join(lines)


def _chart() -> QChart:
    chart = QChart()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().hide()
    chart.setBackgroundVisible(False)
    chart.setMargins(QMargins(0, 0, 0, 0))
    return chart


class DashboardView(QWidget):
    """The figures of the desk at a glance; `refreshed` fires once new figures are shown."""

    refreshed = Signal()

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._asked = 0  # the number of the latest request; older answers are dropped
        self._waiting = False
        self.board: Dashboard | None = None
        self.setObjectName("dashboard")
        self.setAccessibleName(_("Dashboard"))

        heading = QLabel(_("Activity of the desk"), self)
        scaled_font(heading, 1.3, bold=True)
        self.updated = QLabel(self)
        self.updated.setObjectName("dashboard_updated")
        self.refresh_button = shortcut_button(
            _("&Refresh"), REFRESH_SHORTCUT, tip=_("Refresh the figures"), name="dashboard_refresh"
        )
        self.refresh_button.clicked.connect(self.refresh)
        self.message = MessageLabel(self, name=_("Dashboard message"))
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.updated)
        top.addWidget(self.refresh_button)

        # Handouts per week.
        self.weeks_chart = _chart()
        self.weeks_set = QBarSet(_("Booklets handed out"))
        self.weeks_set.setColor(ACCENT)
        self.weeks_set.setLabelColor(self.palette().windowText().color())
        self.weeks_series = QBarSeries()
        self.weeks_series.append(self.weeks_set)
        self.weeks_series.setLabelsVisible(True)
        self.weeks_series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
        self.weeks_chart.addSeries(self.weeks_series)
        self.weeks_axis = QBarCategoryAxis()
        small = self.font()
        small.setPointSizeF(small.pointSizeF() * 0.8)
        self.weeks_axis.setLabelsFont(small)
        self.weeks_values = QValueAxis()
        self.weeks_values.setLabelFormat("%d")
        self.weeks_values.setLabelsFont(small)
        self.weeks_chart.addAxis(self.weeks_axis, Qt.AlignmentFlag.AlignBottom)
        self.weeks_chart.addAxis(self.weeks_values, Qt.AlignmentFlag.AlignLeft)
        self.weeks_series.attachAxis(self.weeks_axis)
        self.weeks_series.attachAxis(self.weeks_values)
        self.weeks_view = self._chart_view(self.weeks_chart, _("Booklets handed out per week"))
        self.weeks_view.setMinimumHeight(self.fontMetrics().lineSpacing() * 12)
        weeks_box = self._box(_("Booklets handed out per week"), self.weeks_view)

        # Stock by programme.
        self.stock_model: RowTableModel[StockOutlook] = RowTableModel(STOCK_COLUMNS, self)
        self.stock_view = QTableView(self)
        self.stock_view.setObjectName("dashboard_stock")
        configure_view(self.stock_view, self.stock_model, _("Stock by programme"))
        self.stock_view.setSizeAdjustPolicy(QTableView.SizeAdjustPolicy.AdjustToContents)
        self.stock_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        stock_box = self._box(_("Stock, at the pace of the last four weeks"), self.stock_view)

        # The quota gauges, one per programme with priority groups.
        self.quota_row = QHBoxLayout()
        self.quota_views: list[QChartView] = []
        self.quota_labels: list[QLabel] = []
        quota_holder = QWidget(self)
        quota_layout = QVBoxLayout(quota_holder)
        quota_layout.setContentsMargins(0, 0, 0, 0)
        quota_layout.addLayout(self.quota_row)
        self.no_quota = QLabel(_("No programme open today has priority groups."), self)
        quota_layout.addWidget(self.no_quota)
        quota_box = self._box(_("Priority quota, since each programme began"), quota_holder)

        # The usage rate: the usage import fills it.
        self.usage = QLabel("—", self)
        self.usage.setObjectName("dashboard_usage")
        scaled_font(self.usage, 1.3, bold=True)
        usage_box = self._box(_("Vouchers used"), self.usage)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(weeks_box, 1)
        layout.addWidget(stock_box, 0)
        below = QHBoxLayout()
        below.addWidget(quota_box, 3)
        below.addWidget(usage_box, 1)
        layout.addLayout(below, 0)

    def _box(self, title: str, content: QWidget) -> QGroupBox:
        box = QGroupBox(title, self)
        inner = QVBoxLayout(box)
        inner.addWidget(content)
        return box

    def _chart_view(self, chart: QChart, name: str) -> QChartView:
        view = QChartView(chart, self)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setAccessibleName(name)
        view.setMinimumHeight(self.fontMetrics().lineSpacing() * 11)
        return view

    # --- refreshing -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Ask for new figures; shown when they come (at most one request on its way)."""
        self._asked += 1
        if self._waiting:
            return  # the answer on its way is followed by one more request
        self._ask(self._asked)

    def _ask(self, number: int) -> None:
        self._waiting = True
        dashboard = self._context.services.dashboard
        actor = self._context.actor
        self._context.runner.run(
            lambda _control: dashboard.dashboard(actor),
            on_result=lambda board: self._on_answer(number, board, None),
            on_error=lambda error: self._on_answer(number, None, error),
            owner=self,
        )

    def _on_answer(self, number: int, board: Any, error: BaseException | None) -> None:
        self._waiting = False
        if number != self._asked:
            self._ask(self._asked)  # asked again meanwhile: the newest figures win
            return
        if error is not None:
            self.message.show_error(
                failure_message(
                    error, _("The figures could not be read; the details are in the log file.")
                )
            )
            return
        self.message.clear_message()
        self.show_board(board)
        self.refreshed.emit()

    # --- showing --------------------------------------------------------------------------

    def show_board(self, board: Dashboard) -> None:
        self.board = board
        self.updated.setText(_("Figures of {date}").format(date=format_date(board.today)))
        self._show_weeks(board)
        self.stock_model.set_rows(list(board.stock))
        self._show_quotas(board.quotas)
        if board.usage_rate is None:
            self.usage.setText("—")
            self.usage.setToolTip(
                _(
                    "Shown once the usage files of the places are imported: the share of the "
                    "vouchers handed out that were used."
                )
            )
        else:
            self.usage.setText(format_percent(board.usage_rate))
            self.usage.setToolTip(_("Share of the vouchers handed out that were used."))
        self.usage.setAccessibleDescription(self.usage.toolTip())

    def _show_weeks(self, board: Dashboard) -> None:
        counts = [w.booklets for w in board.weeks]
        labels = [w.monday.strftime("%d/%m") for w in board.weeks]
        self.weeks_set.remove(0, self.weeks_set.count())
        self.weeks_set.append([float(n) for n in counts])
        self.weeks_axis.clear()
        self.weeks_axis.append(labels)
        self.weeks_values.setRange(0, max([*counts, 1]) * 1.2)
        self.weeks_values.applyNiceNumbers()
        self.weeks_view.setAccessibleDescription(
            "; ".join(
                _("week of {monday}: {n}").format(monday=format_date(w.monday), n=w.booklets)
                for w in board.weeks
            )
        )

    def _show_quotas(self, quotas: tuple[QuotaLine, ...]) -> None:
        while self.quota_row.count():
            item = self.quota_row.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.quota_views, self.quota_labels = [], []
        self.no_quota.setVisible(not quotas)
        for line in quotas:
            holder, view, label = self._gauge(line)
            self.quota_row.addWidget(holder)
            self.quota_views.append(view)
            self.quota_labels.append(label)

    def _gauge(self, line: QuotaLine) -> tuple[QWidget, QChartView, QLabel]:
        """A ring: the priority share in the accent colour (red when the quota is not met),
        and the same in words beside it."""
        chart = _chart()
        series = QPieSeries()
        series.setHoleSize(0.6)
        series.setPieSize(0.95)
        share = float(line.share or Decimal(0))
        done = series.append(_("Priority groups"), share)
        done.setColor(QColor("#B3261E") if line.met is False else ACCENT)
        rest = series.append(_("Others"), max(100.0 - share, 0.0))
        rest.setColor(MUTED)
        chart.addSeries(series)
        view = self._chart_view(chart, _("Priority quota of {code}").format(code=line.programme))
        side = self.fontMetrics().lineSpacing() * 7
        view.setFixedSize(side, side)
        view.setAccessibleDescription(quota_text(line))
        label = QLabel(quota_lines(line), self)
        label.setAccessibleName(quota_text(line))
        holder = QWidget(self)
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(view)
        row.addWidget(label, 1)
        return holder, view, label
