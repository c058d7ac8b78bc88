"""The 汇总 legend names the zone its times are in: 北京时间 for China's zone, the configured zone otherwise
(every time in the workbook is shown in XCHECK_TIMEZONE)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from bot.export.meta import ExportMeta
from tests.support.helpers import Harness
from tests.support.reportsetup import exported, province


def _legend(path: Path) -> str:
    ws = load_workbook(path)["汇总"]
    return str(ws.cell(row=3, column=1).value)  # below the title and 制表单位 rows


async def test_the_legend_says_beijing_time_for_china_and_names_another_zone(harness: Harness, tmp_path: Path) -> None:
    await province(harness)
    china = await exported(harness, tmp_path / "cn", meta=ExportMeta(tz=ZoneInfo("Asia/Shanghai")))
    berlin = await exported(harness, tmp_path / "de", meta=ExportMeta(tz=ZoneInfo("Europe/Berlin")))
    assert _legend(china.workbook).endswith("时间为北京时间。")
    assert _legend(berlin.workbook).endswith("时间为Europe/Berlin 时区的当地时间。")
