"""Importing the roster from the office's spreadsheet (领导班子名册导入): :mod:`.parse` turns
the file into rows (no database), :mod:`.service` applies them, all rows or none."""
