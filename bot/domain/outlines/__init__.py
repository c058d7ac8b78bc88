"""The two official outlines (附件1, 附件2) as validated data."""

from bot.domain.outlines.loader import Item, LaidOut, Outlines, load_outline, load_outlines
from bot.domain.outlines.models import Outline

__all__ = ["Item", "LaidOut", "Outline", "Outlines", "load_outline", "load_outlines"]
