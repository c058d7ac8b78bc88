"""Exports in the official outline format: the office workbook, the Word self-report, the evidence bundle."""
