"""All handlers, registered in one place. Order matters; each group says why."""

from __future__ import annotations

from telegram.ext import Application, BaseHandler, CallbackQueryHandler

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

# The modules whose commands, buttons and uploads are registered in group 0. The walk's buttons are
# checked first among the buttons: they are most of the presses.
_MODULES = (walk, start, firstday, office, office_review, evidence, review, readers, oversight, exports, campaign, web)


def ordered() -> list[BaseHandler]:  # type: ignore[type-arg]
    """Group 0 in the order PTB checks it (each handler's check_update runs until one matches), hottest first
    where the order cannot change which handler takes an update:

    - typed text that is not a command (the walk's answers) first: no other handler of the group takes it
      (a CommandHandler takes only messages starting with a bot command, which filters.COMMAND excludes;
      buttons are not messages; uploads have no text);
    - then every button, the walk's first: a button's data matches one prefix's pattern only (`^w:` ...),
      and only CallbackQueryHandlers take a button press (a CommandHandler reads a press's message, but its
      filters.ChatType.PRIVATE passes message updates only, so it never takes a press);
    - then commands and uploads; unknown commands, unsupported messages and stray button data last, so
      nothing goes unanswered."""
    own: list[BaseHandler] = [h for module in _MODULES for h in module.HANDLERS]  # type: ignore[type-arg]
    presses = [h for h in own if isinstance(h, CallbackQueryHandler)]
    others = [h for h in own if not isinstance(h, CallbackQueryHandler)]
    return [*walk.TEXT_HANDLERS, *presses, *others, *fallback.HANDLERS]


def register(application: Application) -> None:  # type: ignore[type-arg]
    # Group -1 runs first for every update: it drops group chats and updates already applied, and
    # stops them from reaching any other group.
    application.add_handlers(gate.HANDLERS, group=-1)
    application.add_handlers(ordered(), group=0)
    application.add_error_handler(errors.report_error)
