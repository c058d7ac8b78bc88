"""`xcheck outline show`: an outline printed so the office can check it against the notice."""

from __future__ import annotations

import json
from typing import Any

from bot.config import Settings
from bot.domain.outlines.loader import OutlineId, load_outline
from bot.domain.outlines.models import Answer
from messages import roles, zh


def describe(answer: Answer, labels: dict[str, str]) -> str:
    return answer.describe(labels)


def show_outline(which: OutlineId, settings: Settings, *, as_json: bool = False) -> str:
    outline = load_outline(which, year=settings.campaign_year)
    if as_json:
        data: dict[str, Any] = {
            "id": outline.id,
            "source": outline.source,
            "title": outline.title,
            "year": settings.campaign_year,
            "sections": [
                {
                    "no": s.no,
                    "title": s.title,
                    "indicator": s.indicator,
                    "points": [
                        {
                            "no": p.no,
                            "text": p.text,
                            "core": p.core,
                            "answer_type": p.answer.type,
                            "answer": p.answer.model_dump(),
                            "rate": p.rate,
                            "compare": p.compare,
                            "alert": p.alert,
                        }
                        for p in s.points
                    ],
                    "narratives": [n.label for n in (s.narratives if s.narratives is not None else outline.narratives)],
                }
                for s in outline.sections
            ],
        }
        return json.dumps(data, ensure_ascii=False, indent=2)
    labels = {"scale": zh.SCALE_LABEL}
    for p in (p for s in outline.sections for p in s.points):
        labels.update({f.id: f.label for f in p.answer.number_fields()})
    lines = [zh.outline_heading(outline.source, outline.title, settings.campaign_year), ""]
    for s in outline.sections:
        lines.append(f"{s.no}. {s.title}")
        for p in s.points:
            lines.append(f"   {'★' if p.core else ' '}{p.no}. {p.text}")
            lines.append(f"       [{describe(p.answer, labels)}]")
            if p.rate is not None or p.compare or p.alert is not None:
                rate = zh.RATE_NAMES[p.rate] if p.rate is not None else None
                lines.append("       " + roles.outline_roles(rate, [labels[f] for f in p.compare], p.alert))
        narratives = s.narratives if s.narratives is not None else outline.narratives
        lines.append(zh.OUTLINE_NARRATIVES + "、".join(n.label for n in narratives))
    lines.append("")
    lines.append(zh.OUTLINE_CORE_NOTE)
    return "\n".join(lines)
