"""What a flow's failure means for the person who caused it, whatever the channel: the database was busy
(another process held the write lock past the short wait: nothing was written, send again), the campaign is
closed (the database refused the write: read only), or neither (our bug)."""

from __future__ import annotations

import sqlite3

from storage import Busy
from storage.closing import CLOSED_MARK


def busy(err: BaseException | None) -> bool:
    return isinstance(err, Busy)


def closed(err: BaseException | None) -> bool:
    """A write the closed campaign's triggers refused (migration 0012)."""
    return isinstance(err, sqlite3.IntegrityError) and CLOSED_MARK in str(err)
