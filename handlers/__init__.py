"""All handlers, registered in one place. Order matters; each group says why."""

from __future__ import annotations

from telegram.ext import Application

from handlers import (
    campaign,
    errors,
    evidence,
    exports,
    fallback,
    firstday,
    gate,
    office,
    office_review,
    oversight,
    readers,
    review,
    start,
    walk,
    web,
)


def register(application: Application) -> None:  # type: ignore[type-arg]
    # Group -1 runs first for every update: it drops group chats and updates already applied, and
    # stops them from reaching any other group.
    application.add_handlers(gate.HANDLERS, group=-1)
    # Commands come before the walk's catch-all text handler, so /cancel is never taken as an answer.
    application.add_handlers(
        [
            *start.HANDLERS,
            *firstday.HANDLERS,
            *office.HANDLERS,
            *office_review.HANDLERS,
            *walk.HANDLERS,
            *evidence.HANDLERS,
            *review.HANDLERS,
            *readers.HANDLERS,
            *oversight.HANDLERS,
            *exports.HANDLERS,
            *campaign.HANDLERS,
            *web.HANDLERS,
        ],
        group=0,
    )
    # The walk's catch-all for typed answers follows every command; unknown commands and stray
    # button data are answered last so nothing goes unanswered.
    application.add_handlers([*walk.TEXT_HANDLERS, *fallback.HANDLERS], group=0)
    application.add_error_handler(errors.report_error)
