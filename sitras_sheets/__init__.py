"""Sitras register: the domain (letters, scans, desks, tracking codes) and the
register behind one interface, with a Google Sheets and a local SQLite backend."""
