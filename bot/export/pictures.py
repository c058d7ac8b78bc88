"""Progress pictures for chat (/progress and the office's daily digest): statuses by city and by kind as
stacked bars, and the cumulative submissions against the deadline. Drawn with matplotlib (Agg) in a worker
thread, with a CJK font installed by pip (Noto Sans SC, package pylopdf-fonts-zh-cn) so labels never turn
into tofu boxes; a picture is cached by its data, so an unchanged campaign is drawn once."""

from __future__ import annotations

import asyncio
import hashlib
import io
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

from bot.deps import Deps
from bot.domain.campaign.progress import STATUSES, Unit, units
from messages import documents as words
from messages import when, zh

KINDS = ("本科", "高职", "中职", "培训评价组织")
COLORS = {
    "not_started": "#c8c8c8",
    "in_progress": "#f2b134",
    "submitted": "#4a90d9",
    "returned": "#e0603a",
    "accepted": "#3aa36b",
}
_lock = threading.Lock()  # matplotlib's pyplot state is not thread-safe; we draw with the OO API under a lock
_cache: OrderedDict[str, bytes] = OrderedDict()
CACHE_SIZE = 8
_font: str | None = None


@dataclass(frozen=True, slots=True)
class ProgressData:
    by_city: list[tuple[str, list[int]]]  # schools: city, count per status (STATUSES order)
    by_kind: list[tuple[str, list[int]]]  # kind, count per status
    days: list[tuple[date, int]]  # cumulative submitted units by local day
    total: int
    deadline: date
    today: date

    def key(self) -> str:
        return hashlib.sha256(repr(self).encode()).hexdigest()


def progress_data(units: list[Unit], *, tz: tzinfo, deadline: date, today: date) -> ProgressData:
    # One pass over the units (a national roster has thousands of them and hundreds of cities).
    city_counts: dict[str, Counter[str]] = {}
    kind_counts: dict[str, Counter[str]] = {}
    for u in units:
        kind_counts.setdefault(u.institution.kind, Counter())[u.status] += 1
        if u.institution.kind != "培训评价组织":
            city_counts.setdefault(u.institution.city or "未知", Counter())[u.status] += 1
    cities = sorted(city_counts, key=_city_order)
    by_city = [(c, [city_counts[c][s] for s in STATUSES]) for c in cities]
    by_kind = [(k, [kind_counts[k][s] for s in STATUSES]) for k in KINDS if k in kind_counts]
    per_day: dict[date, int] = {}
    for u in units:
        if u.status in ("submitted", "returned", "accepted") and u.report is not None and u.report.submitted_at:
            at = when.local(u.report.submitted_at, tz)
            if at is not None:
                per_day[at.date()] = per_day.get(at.date(), 0) + 1
    start = min([*per_day, deadline - timedelta(days=13), today])
    end = max([*per_day, deadline, today])
    days: list[tuple[date, int]] = []
    running, day = 0, start
    while day <= end:
        running += per_day.get(day, 0)
        days.append((day, running))
        day += timedelta(days=1)
    return ProgressData(by_city, by_kind, days, len(units), deadline, today)


def _city_order(city: str) -> tuple[int, str]:
    from bot.domain.people.roster import ANHUI_CITIES

    return (ANHUI_CITIES.index(city), city) if city in ANHUI_CITIES else (len(ANHUI_CITIES), city)


def cjk_font() -> str:
    """Registers the shipped CJK font with matplotlib once; returns its family name."""
    global _font
    if _font is None:
        import pylopdf_fonts_zh_cn
        from matplotlib import font_manager

        path = str(pylopdf_fonts_zh_cn.sans_path())
        font_manager.fontManager.addfont(path)
        _font = font_manager.FontProperties(fname=path).get_name()
    return _font


def render(data: ProgressData) -> bytes:
    """The PNG for these figures, drawn once per distinct data."""
    key = data.key()
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
        png = _draw(data)
        _cache[key] = png
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
        return png


async def render_async(data: ProgressData) -> bytes:
    """Off the event loop: drawing takes a good part of a second."""
    return await asyncio.to_thread(render, data)


def _draw(data: ProgressData) -> bytes:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    family = cjk_font()
    import matplotlib

    with matplotlib.rc_context({"font.family": [family], "font.size": 10, "axes.unicode_minus": False}):
        # Fixed margins: the constrained layout engine would double the drawing time.
        fig = Figure(figsize=(10, 9), dpi=100)
        grid = fig.add_gridspec(
            2, 2, height_ratios=[3, 2], width_ratios=[3, 2], left=0.09, right=0.97, top=0.92, bottom=0.06,
            hspace=0.3, wspace=0.22,
        )  # fmt: skip
        ax_city = fig.add_subplot(grid[0, 0])
        ax_kind = fig.add_subplot(grid[0, 1])
        ax_curve = fig.add_subplot(grid[1, :])
        fig.suptitle(words.CHART_STATUS_TITLE, fontsize=14)
        for ax, rows, horizontal in ((ax_city, data.by_city, True), (ax_kind, data.by_kind, False)):
            labels = [name for name, _ in rows]
            base = [0] * len(rows)
            for n, status in enumerate(STATUSES):
                values = [counts[n] for _, counts in rows]
                if horizontal:
                    ax.barh(labels, values, left=base, color=COLORS[status], label=zh.PROGRESS_STATUS[status])
                else:
                    ax.bar(labels, values, bottom=base, color=COLORS[status], label=zh.PROGRESS_STATUS[status])
                base = [a + b for a, b in zip(base, values, strict=True)]
            if horizontal:
                ax.invert_yaxis()
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
                ax.set_xlabel(words.CHART_Y_UNITS)
            else:
                ax.yaxis.set_major_locator(MaxNLocator(integer=True))
                ax.set_ylabel(words.CHART_Y_UNITS)
        ax_city.set_title(zh.PROGRESS_BY_CITY)
        ax_kind.set_title(words.CHART_BY_KIND)
        ax_kind.legend(loc="upper right", fontsize=9)
        xs = list(range(len(data.days)))
        ax_curve.plot(xs, [n for _, n in data.days], color=COLORS["submitted"], marker="o", markersize=3,
                      label=words.CHART_CURVE_LABEL)  # fmt: skip
        ax_curve.axhline(data.total, color="#888888", linestyle=":", label=words.CHART_TOTAL_LABEL)
        due = next((i for i, (day, _) in enumerate(data.days) if day == data.deadline), None)
        if due is not None:
            ax_curve.axvline(due, color=COLORS["returned"], linestyle="--", label=words.CHART_DEADLINE_LABEL)
        step = max(1, len(xs) // 10)
        ax_curve.set_xticks(xs[::step], [f"{d.month}月{d.day}日" for d, _ in data.days][::step])
        ax_curve.set_ylim(0, max(data.total, 1) * 1.08)
        ax_curve.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax_curve.set_title(words.CHART_CURVE_TITLE.format(due=f"{data.deadline.month}月{data.deadline.day}日"))
        ax_curve.legend(loc="upper left", fontsize=9)
        out = io.BytesIO()
        fig.savefig(out, format="png")
    return out.getvalue()


async def progress_png(d: Deps, rows: list[Unit] | None = None) -> bytes:
    """The campaign's progress picture as it stands now (cached while nothing changes); `rows` are the
    units when the caller has just read them (the /progress table), so they are not read a second time."""
    from bot.domain.campaign.reminders import due_dates

    if rows is None:
        rows = await units(d.db)
    due = (await due_dates(d))["report"]
    today = d.clock.now().astimezone(d.settings.tz).date()
    return await render_async(progress_data(rows, tz=d.settings.tz, deadline=due, today=today))
