"""All SQL of xcheck lives in this package; callers get typed models back."""

from storage.db import AlreadyApplied, Busy, Database

__all__ = ["AlreadyApplied", "Busy", "Database"]
