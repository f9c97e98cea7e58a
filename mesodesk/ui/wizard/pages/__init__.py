"""The consultation wizard's pages, one QWizardPage per step, one module per page.

Each page writes its widgets into the shared ``WizardState`` (``store``), checks them in
``validatePage`` through the domain's parser, and shows the domain's screening; no page
makes a clinical decision of its own. A page is given a ``PageContext`` (the state, the
knowledge base, the operations), never the wizard: it reaches the database only through
``context.ops``.
"""

from mesodesk.ui.wizard.pages.base import MAX_NOTES, Page
from mesodesk.ui.wizard.pages.concerns import ConcernsPage
from mesodesk.ui.wizard.pages.course import CourseEditor, CoursePage
from mesodesk.ui.wizard.pages.finish import FinishPage
from mesodesk.ui.wizard.pages.history import HistoryPage
from mesodesk.ui.wizard.pages.ingredients import STATUS_COLOURS, STATUS_TEXT, IngredientsPage
from mesodesk.ui.wizard.pages.lifestyle import LifestylePage
from mesodesk.ui.wizard.pages.patient import PatientPage
from mesodesk.ui.wizard.pages.review import ReviewPage

__all__ = [
    "MAX_NOTES",
    "STATUS_COLOURS",
    "STATUS_TEXT",
    "ConcernsPage",
    "CourseEditor",
    "CoursePage",
    "FinishPage",
    "HistoryPage",
    "IngredientsPage",
    "LifestylePage",
    "Page",
    "PatientPage",
    "ReviewPage",
]
