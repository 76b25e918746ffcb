"""Backups and restores: one archive per backup (``archive.py``), taken while the app serves
(``dump.py``), restored into an empty database of either engine and checked (``restore.py``),
kept by a daily/weekly/monthly rule (``retention.py``); the admin page reads ``BackupRun``."""
