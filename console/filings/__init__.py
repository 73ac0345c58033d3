"""Filings the bureau confirms or returns: unit accounting heads, accounting students and entry filings (入库备案)."""
