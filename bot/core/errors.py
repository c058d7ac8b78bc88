"""What a flow's failure means for the person who caused it, whatever the channel: the database was busy
(another process held the write lock past the short wait: nothing was written, send again), the campaign is
closed (the database refused the write: read only), the same update was applied already (nothing happens
twice), or none of these (our bug)."""

from __future__ import annotations

import sqlite3

from storage import AlreadyApplied, Busy
from storage.closing import CLOSED_MARK


def busy(err: BaseException | None) -> bool:
    return isinstance(err, Busy)


def closed(err: BaseException | None) -> bool:
    """A write the closed campaign's triggers refused (migration 0012)."""
    return isinstance(err, sqlite3.IntegrityError) and CLOSED_MARK in str(err)


def replayed(err: BaseException | None) -> bool:
    """The same update applied already (a form posted twice at the same moment): nothing more happens."""
    return isinstance(err, AlreadyApplied)
