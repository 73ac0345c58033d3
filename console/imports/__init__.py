"""Imports of spreadsheets: the reader and its per-line report, the old certificate database, continuing-education credits."""
