"""Answers: what a typed answer may be, read from text; whole tables in one message."""
