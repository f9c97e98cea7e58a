"""A signed plan opened again: the signed PDF exactly as it was signed, and beside it the
course as it happened when sessions of it are recorded.

The signed PDF is never rendered again nor joined to anything (its SHA-256 was recorded
at signing); the course record is a PDF of its own, rendered now on a worker from what
the database thread read (``services.plans.course_record_parts``), and shown in a second
tab of the same preview (docs/course-record.md). The preview's save also offers the
sessions to come as a calendar file beside the PDF.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mesodesk.i18n import _
from mesodesk.services import plans
from mesodesk.ui.operations import calendar_writer

if TYPE_CHECKING:
    from mesodesk.domain.records import ConsultationRecord


def show_signed_plan(actions: Any, pdf: bytes, name: str, record: ConsultationRecord,
                     print_it: bool) -> None:
    """``actions``: the main window's ``Actions`` (its ``show_pdf`` opens the preview)."""
    window = actions.window
    session = window.session
    db, kb = session.db, session.kb
    calendar = calendar_writer(window.ops, db, kb, record.id, session.actor)

    def show(course_record: bytes | None) -> None:
        actions.show_pdf(pdf, name, record, True, print_it, calendar=calendar,
                         course_record=course_record)

    def without_course(error: BaseException) -> None:
        # The signed paper is shown whatever became of the course record, and says why.
        preview = actions.show_pdf(pdf, name, record, True, print_it, calendar=calendar)
        preview.pane.message.set_kind("caution")
        preview.pane.message.set_text(_("The course record could not be made: {reason}")
                                      .format(reason=error))
        preview.pane.message.show()

    def read(parts: plans.CourseRecordParts | None) -> None:
        if parts is None:  # no session recorded: the signed paper is the whole plan
            show(None)
            return
        window.work_runner.submit(plans.render_course_record, parts, kb, on_done=show,
                                  on_error=without_course)

    window.ops.query(_("Read the course"), plans.course_record_parts, db, kb, record.id,
                     on_done=read, on_error=without_course)
