"""The workbook's 图表 sheet: native Excel charts (openpyxl) over small tables on the same sheet, so the
office can restyle them in Excel or WPS and the numbers stay visible."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from openpyxl.chart import BarChart, LineChart, Reference

from bot.export.meta import ExportMeta
from bot.export.sheet import Sheet, put
from messages import documents as doc
from messages import zh


@dataclass(frozen=True, slots=True)
class ChartData:
    daily: list[tuple[date, int, int, int | None]]  # day, submitted that day, cumulative, total on the deadline
    statuses: list[str]  # status keys, in column order
    by_city: list[tuple[str, list[int]]]  # city, count per status
    by_kind: list[tuple[str, list[float | None]]]  # kind, 报考率 / 考核率 / 合格率


def add_sheet(
    ws: Sheet, data: ChartData, meta: ExportMeta, titled: Callable[[Sheet, str, ExportMeta, int], int]
) -> None:
    top = titled(ws, doc.sheet_title(meta.campaign, doc.SHEET_CHARTS), meta, 12)
    # Three small tables side by side (A, G, M), each with its chart below the tables.
    first = top
    for col, text in enumerate(doc.HEAD_DAILY, 1):
        put(ws, first, col, text, bold=True)
    for r, (day, n, cumulative, deadline) in enumerate(data.daily, first + 1):
        put(ws, r, 1, meta.date(day))
        put(ws, r, 2, n)
        put(ws, r, 3, cumulative)
        put(ws, r, 4, deadline)
    last_daily = first + len(data.daily)

    head_city = [doc.HEAD_CITY[0], *(zh.PROGRESS_STATUS[s] for s in data.statuses)]
    for col, text in enumerate(head_city, 7):
        put(ws, first, col, text, bold=True)
    for r, (city, counts) in enumerate(data.by_city, first + 1):
        put(ws, r, 7, city)
        for col, n in enumerate(counts, 8):
            put(ws, r, col, n)
    last_city = first + len(data.by_city)

    for col, text in enumerate(doc.HEAD_RATES, 14):
        put(ws, first, col, text, bold=True)
    for r, (kind, rates) in enumerate(data.by_kind, first + 1):
        put(ws, r, 14, kind)
        for col, rate in enumerate(rates, 15):
            put(ws, r, col, rate, percent=True)
    last_kind = first + len(data.by_kind)

    anchor_row = max(last_daily, last_city, last_kind) + 2
    xl = ws.xl  # the charts go to openpyxl's worksheet; their series refer to the tables above

    daily = BarChart()
    daily.type = "col"
    daily.title = doc.CHART_DAILY
    daily.y_axis.title = doc.CHART_Y_UNITS
    daily.add_data(Reference(xl, min_col=2, min_row=first, max_row=max(last_daily, first + 1)), titles_from_data=True)
    daily.add_data(Reference(xl, min_col=4, min_row=first, max_row=max(last_daily, first + 1)), titles_from_data=True)
    days = Reference(xl, min_col=1, min_row=first + 1, max_row=max(last_daily, first + 1))
    daily.set_categories(days)
    cumulative = LineChart()
    cumulative.add_data(
        Reference(xl, min_col=3, min_row=first, max_row=max(last_daily, first + 1)), titles_from_data=True
    )
    cumulative.set_categories(days)
    daily += cumulative
    daily.width, daily.height = 24, 9
    xl.add_chart(daily, f"A{anchor_row}")

    city = BarChart()
    city.type = "col"
    city.grouping = "stacked"
    city.overlap = 100
    city.title = doc.CHART_CITY
    city.y_axis.title = doc.CHART_Y_UNITS
    city.add_data(
        Reference(xl, min_col=8, max_col=7 + len(data.statuses), min_row=first, max_row=max(last_city, first + 1)),
        titles_from_data=True,
    )
    city.set_categories(Reference(xl, min_col=7, min_row=first + 1, max_row=max(last_city, first + 1)))
    city.width, city.height = 24, 9
    xl.add_chart(city, f"A{anchor_row + 20}")

    rates = BarChart()
    rates.type = "col"
    rates.title = doc.CHART_RATES
    rates.y_axis.number_format = "0%"
    rates.y_axis.scaling.min = 0
    rates.add_data(
        Reference(xl, min_col=15, max_col=17, min_row=first, max_row=max(last_kind, first + 1)), titles_from_data=True
    )
    rates.set_categories(Reference(xl, min_col=14, min_row=first + 1, max_row=max(last_kind, first + 1)))
    rates.width, rates.height = 24, 9
    xl.add_chart(rates, f"A{anchor_row + 40}")
