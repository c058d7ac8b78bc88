"""Progress pictures (Pillow reads them back; CJK labels are real glyphs, not tofu), their caching, the
/progress and digest photos, and the coordinator menu's progress bar."""

from __future__ import annotations

import io
import warnings
from datetime import UTC, date, datetime, timedelta

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font
from PIL import Image, ImageChops

from bot.domain.campaign.progress import STATUSES
from bot.export import pictures as charts
from bot.export.pictures import ProgressData, render
from bot.tg.senders import tick
from messages import documents as words
from messages import zh
from tests.support.helpers import Harness

CITIES = (
    "合肥",
    "芜湖",
    "蚌埠",
    "淮南",
    "马鞍山",
    "淮北",
    "铜陵",
    "安庆",
    "黄山",
    "滁州",
    "阜阳",
    "宿州",
    "六安",
    "亳州",
)


def _data(cities: tuple[str, ...] = CITIES, total: int = 189) -> ProgressData:
    by_city = [(c, [n % 3, 2, 5, 1, n % 2]) for n, c in enumerate(cities)]
    by_kind = [("本科", [5, 5, 20, 2, 3]), ("高职", [10, 10, 40, 3, 5]), ("中职", [20, 20, 30, 5, 11])]
    start = date(2020, 12, 1)
    days = [(start + timedelta(days=i), 9 * i) for i in range(16)]
    return ProgressData(by_city, by_kind, days, total, date(2020, 12, 15), date(2020, 12, 14))


def _png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.convert("RGB")


def test_the_chart_font_has_every_glyph_the_labels_use() -> None:
    family = charts.cjk_font()
    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    font = FT2Font(path)
    labels = "".join(
        [*CITIES, *charts.KINDS, *(zh.PROGRESS_STATUS[s] for s in STATUSES), words.CHART_STATUS_TITLE,
         words.CHART_CURVE_TITLE, words.CHART_CURVE_LABEL, words.CHART_DEADLINE_LABEL, words.CHART_TOTAL_LABEL,
         words.CHART_Y_UNITS, words.CHART_BY_KIND, zh.PROGRESS_BY_CITY, "月日"]
    )  # fmt: skip
    missing = sorted({ch for ch in labels if not ch.isascii() and font.get_char_index(ord(ch)) == 0})
    assert missing == []


def test_chinese_labels_render_as_distinct_glyphs_not_tofu() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font" for every tofu box
        first = _png(render(_data()))
        # The same picture with other city names: with tofu boxes both would be pixel-identical.
        other = _png(render(_data(tuple(reversed(CITIES)))))
    assert first.size == (1000, 900)
    changed = ImageChops.difference(first, other).getbbox()
    assert changed is not None
    _left, _top, right, _bottom = changed
    assert right <= first.size[0] * 0.2  # only the city axis' labels differ, at the left


def test_pictures_are_cached_per_data(monkeypatch: object) -> None:
    drawn: list[ProgressData] = []
    real = charts._draw

    def counting(data: ProgressData) -> bytes:
        drawn.append(data)
        return real(data)

    monkeypatch.setattr(charts, "_draw", counting)  # type: ignore[attr-defined]
    a = render(_data(total=500))
    assert render(_data(total=500)) is a and len(drawn) == 1
    b = render(_data(total=501))  # one more unit owed: new data, new picture
    assert b != a and len(drawn) == 2


async def test_progress_comes_with_a_picture(harness: Harness) -> None:
    office = harness.chat(1)
    n = len(office.seen)
    await office.say("/progress")
    await harness.standin.wait_for(lambda: any(e.photo for e in office.seen[n:]))
    photo = next(e for e in office.seen[n:] if e.photo)
    assert photo.text == "📊 填报进度图（2020年11月20日 08:00）"
    assert _png(photo.photo[1]).size == (1000, 900)  # type: ignore[index]


async def test_the_daily_digest_comes_with_a_picture(harness: Harness) -> None:
    harness.clock.set(datetime(2020, 11, 20, 1, 30, tzinfo=UTC))  # 09:30 in Anhui, after the reminder time
    assert harness.app is not None
    await tick(harness.app.bot, harness.deps)
    seen = harness.standin.events[1]
    digest = next(i for i, e in enumerate(seen) if "每日进度" in e.text)
    assert seen[digest + 1].photo is not None and _png(seen[digest + 1].photo[1]).size == (1000, 900)


def test_progress_bar() -> None:
    assert words.progress_bar(6, 10) == "▓▓▓▓▓▓░░░░ 6/10 · 60%"
    assert words.progress_bar(0, 10) == "░░░░░░░░░░ 0/10 · 0%"
    assert words.progress_bar(9, 9) == "▓▓▓▓▓▓▓▓▓▓ 9/9 · 100%"


async def test_coordinator_menu_shows_the_bar(harness: Harness) -> None:
    school = "安徽工商职业学院"
    await harness.certify({"Web前端开发": ("腾讯云计算（北京）有限责任公司", school)}, {school: [("Web前端开发", 150)]})
    await harness.bind(600, "coordinator", school)
    chat = harness.chat(600)
    menu = await chat.say("/menu")
    assert menu.text.splitlines()[-2:] == ["已完成 0/10 部分。", "░░░░░░░░░░ 0/10 · 0%"]
    await harness.fill(1)
    menu = await chat.say("/menu")
    assert menu.text.splitlines()[-2:] == ["已完成 10/10 部分。", "▓▓▓▓▓▓▓▓▓▓ 10/10 · 100%"]
