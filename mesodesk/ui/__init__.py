"""The PySide6 desktop app. See ../shared/design.md for what this layer does.

``app.run_app`` starts it: the QApplication, the single-instance lock, the crash handler,
garbage collection on the GUI thread (``gc_guard``), then the main window. The window is
put together from what the practitioner sees: ``patient_list``, ``patient_detail`` and
``actions`` (the menus, toolbar and the workflows behind them); ``wizard/`` holds the
consultation wizard, ``preview`` the PDF preview. Heavy libraries (SQLAlchemy, Alembic,
pydantic, reportlab, QtPdf) are imported inside the functions that need them, so the
window paints before they load.
"""
