"""The Word self-report's template: a .docx shipped with the package (bot/export/templates/self_report.docx)
that the office may replace with its own edited copy at <data dir>/templates/self_report.docx. Fonts, sizes,
the page header, the title block and the seal block live in the template; the code only fills placeholders
({{标题}}, {{单位}}, {{类型}}, {{地市}}, {{活动}}, {{版本}}, {{联系人}}, {{日期}}, …) and puts the report's body
where {{正文}} stands.

`python -m bot.export.template` rewrites the shipped template from the code below (GB/T 9704 conventions: A4
portrait, title in 方正小标宋简体 二号, headings 黑体/楷体 三号, body 仿宋_GB2312 三号, tables 四号, page numbers in
the footer, language zh-CN). Each Chinese font names a fallback (Word's altName) for machines without it."""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

SHIPPED = Path(__file__).parent / "templates" / "self_report.docx"
NAME = "self_report.docx"

TITLE_FONT, HEADING_FONT, SUBHEADING_FONT, BODY_FONT = "方正小标宋简体", "黑体", "楷体_GB2312", "仿宋_GB2312"
LATIN_FONT = "Times New Roman"
# Word substitutes w:altName when a font is missing; WPS ships the _GB2312 and 方正 fonts itself.
FALLBACKS = {TITLE_FONT: "黑体", HEADING_FONT: "SimHei", SUBHEADING_FONT: "楷体", BODY_FONT: "仿宋"}
SIZE_2, SIZE_3, SIZE_4 = Pt(22), Pt(16), Pt(14)  # 二号, 三号, 四号
ZERO = Pt(0)

# Style names the body uses; an edited template may restyle them (or drop one: the body then uses Normal).
STYLE_TITLE, STYLE_INFO, STYLE_POINT, STYLE_CAPTION = "报告标题", "标题信息", "监测点", "题注"
STYLE_CELL, STYLE_CLOSING = "表格文字", "落款"


def template_path(data_dir: Path | None) -> Path:
    """The office's own template when there is one, else the shipped one."""
    if data_dir is not None:
        own = data_dir / "templates" / NAME
        if own.is_file():
            return own
    return SHIPPED


def _fonts(style_font: object, east_asia: str, size: Pt | None, *, bold: bool = False) -> None:
    font = style_font
    font.name = LATIN_FONT  # type: ignore[attr-defined]
    rpr = font.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")
    if size is not None:
        font.size = size  # type: ignore[attr-defined]
    font.bold = bold  # type: ignore[attr-defined]
    font.italic = False  # type: ignore[attr-defined]
    font.color.rgb = RGBColor(0, 0, 0)  # type: ignore[attr-defined]
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _paragraph_style(doc: object, name: str, base: str = "Normal") -> object:
    styles = doc.styles  # type: ignore[attr-defined]
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base]
    style.quick_style = True
    return style


def _spacing(style: object, *, line: Pt | None, first_line: Pt | None, before: Pt = ZERO, after: Pt = ZERO) -> None:
    fmt = style.paragraph_format  # type: ignore[attr-defined]
    if line is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = line
    fmt.first_line_indent = first_line
    fmt.space_before, fmt.space_after = before, after


def _field(paragraph: object, instr: str) -> None:
    run = paragraph.add_run()  # type: ignore[attr-defined]
    for kind, text in (("begin", None), (None, instr), ("separate", None), (None, "1"), ("end", None)):
        if kind is not None:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == instr:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {instr} "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def _font_table(doc: object) -> None:
    """Declares each Chinese font with its fallback (altName) and the GB2312 charset in fontTable.xml."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    part = doc.part.part_related_by(RT.FONT_TABLE)  # type: ignore[attr-defined]
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        '<w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
        for name, alt in FALLBACKS.items()
    )
    xml = part.blob.decode("utf-8")
    part._blob = xml.replace("</w:fonts>", entries + "</w:fonts>").encode("utf-8")


def make(path: Path) -> None:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.header_distance, section.footer_distance = Cm(1.5), Cm(2.5)

    styles = doc.styles
    normal = styles["Normal"]
    _fonts(normal.font, BODY_FONT, SIZE_3)
    _spacing(normal, line=Pt(28), first_line=Pt(32))
    for name, east_asia, size, bold in (
        ("Heading 1", HEADING_FONT, SIZE_3, False),
        ("Heading 2", SUBHEADING_FONT, SIZE_3, True),
    ):
        _fonts(styles[name].font, east_asia, size, bold=bold)
        _spacing(styles[name], line=Pt(28), first_line=Pt(32), before=Pt(6), after=Pt(0))
    title = _paragraph_style(doc, STYLE_TITLE)
    _fonts(title.font, TITLE_FONT, SIZE_2)  # type: ignore[attr-defined]
    _spacing(title, line=Pt(36), first_line=Pt(0), before=Pt(0), after=Pt(24))
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER  # type: ignore[attr-defined]
    info = _paragraph_style(doc, STYLE_INFO)
    _fonts(info.font, BODY_FONT, SIZE_3)  # type: ignore[attr-defined]
    _spacing(info, line=Pt(28), first_line=Pt(0))
    point = _paragraph_style(doc, STYLE_POINT)
    _fonts(point.font, BODY_FONT, SIZE_3, bold=True)  # type: ignore[attr-defined]
    _spacing(point, line=Pt(28), first_line=Pt(32), before=Pt(6))
    caption = _paragraph_style(doc, STYLE_CAPTION)
    _fonts(caption.font, HEADING_FONT, SIZE_4)  # type: ignore[attr-defined]
    _spacing(caption, line=None, first_line=Pt(0), before=Pt(6), after=Pt(3))
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER  # type: ignore[attr-defined]
    caption.paragraph_format.keep_with_next = True  # type: ignore[attr-defined]
    cell = _paragraph_style(doc, STYLE_CELL)
    _fonts(cell.font, BODY_FONT, SIZE_4)  # type: ignore[attr-defined]
    _spacing(cell, line=None, first_line=Pt(0))
    closing = _paragraph_style(doc, STYLE_CLOSING)
    _fonts(closing.font, BODY_FONT, SIZE_3)  # type: ignore[attr-defined]
    _spacing(closing, line=Pt(28), first_line=Pt(0))
    closing.paragraph_format.left_indent = Cm(8)  # type: ignore[attr-defined]
    _font_table(doc)

    header = section.header.paragraphs[0]
    header.text = "{{活动}}　自查报告"
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header.style = styles["Header"]
    _fonts(styles["Header"].font, BODY_FONT, Pt(10.5))
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(styles["Footer"].font, LATIN_FONT, SIZE_4)
    footer.add_run("— ")
    _field(footer, "PAGE")
    footer.add_run(" —")

    doc.add_paragraph("{{标题}}", style=STYLE_TITLE)
    for line in (
        "单位名称：{{单位}}",
        "单位类型：{{类型}}",
        "所在地市：{{地市}}",
        "自查工作：{{活动}}",
        "报告版本：{{版本}}",
    ):
        doc.add_paragraph(line, style=STYLE_INFO)
    doc.add_paragraph("{{正文}}")
    doc.add_paragraph("", style=STYLE_CLOSING)
    for line in (
        "单位（盖章）：",
        "负责人（签字）：{{负责人}}",
        "联系人：{{联系人}}",
        "联系电话：{{电话}}",
        "日期：{{日期}}",
    ):
        doc.add_paragraph(line, style=STYLE_CLOSING)
    theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))


if __name__ == "__main__":
    make(Path(sys.argv[1]) if len(sys.argv) > 1 else SHIPPED)
