"""Qt's own strings (standard buttons, the file and print dialogs, text edits' menus) in the
app's language.

Qt ships its translations as ``qtbase_<lang>.qm`` in ``QLibraryInfo``'s translations folder
(PySide6 has them in ``PySide6/Qt/translations``; the bundle keeps them). Qt has no Greek
translation at all (neither PySide6 nor Debian's qt6-translations-l10n has a qtbase_el), so
the strings of Qt that mesodesk's screens show are listed here with ``qt_noop`` and
translated in the app's own catalogue (msgctxt: the Qt context). ``install_qt_translators``
installs both: the shipped catalogue where one exists, and ours.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from mesodesk.i18n import current_language, pgettext


def qt_noop(context: str, text: str) -> tuple[str, str]:
    """Marks a string of Qt's for extraction (Babel keyword ``qt_noop:1c,2``)."""
    return context, text


QT_STRINGS = (
    # Standard buttons (QMessageBox, QDialogButtonBox).
    qt_noop("QPlatformTheme", "OK"), qt_noop("QPlatformTheme", "Save"),
    qt_noop("QPlatformTheme", "Save All"), qt_noop("QPlatformTheme", "Open"),
    qt_noop("QPlatformTheme", "&Yes"), qt_noop("QPlatformTheme", "Yes to &All"),
    qt_noop("QPlatformTheme", "&No"), qt_noop("QPlatformTheme", "N&o to All"),
    qt_noop("QPlatformTheme", "Abort"), qt_noop("QPlatformTheme", "Retry"),
    qt_noop("QPlatformTheme", "Ignore"), qt_noop("QPlatformTheme", "Close"),
    qt_noop("QPlatformTheme", "Cancel"), qt_noop("QPlatformTheme", "Discard"),
    qt_noop("QPlatformTheme", "Help"), qt_noop("QPlatformTheme", "Apply"),
    qt_noop("QPlatformTheme", "Reset"), qt_noop("QPlatformTheme", "Restore Defaults"),
    qt_noop("QMessageBox", "Show Details..."), qt_noop("QMessageBox", "Hide Details..."),
    # The wizard's buttons mesodesk does not name itself.
    qt_noop("QWizard", "Cancel"), qt_noop("QWizard", "&Finish"), qt_noop("QWizard", "Commit"),
    # Qt's own file dialog (where the desktop has no native one).
    qt_noop("QFileDialog", "Look in:"), qt_noop("QFileDialog", "File &name:"),
    qt_noop("QFileDialog", "Files of type:"), qt_noop("QFileDialog", "&Open"),
    qt_noop("QFileDialog", "&Save"), qt_noop("QFileDialog", "&Choose"),
    qt_noop("QFileDialog", "Open"), qt_noop("QFileDialog", "Save As"),
    qt_noop("QFileDialog", "All Files (*)"), qt_noop("QFileDialog", "Back"),
    qt_noop("QFileDialog", "Forward"), qt_noop("QFileDialog", "Parent Directory"),
    qt_noop("QFileDialog", "Create New Folder"), qt_noop("QFileDialog", "List View"),
    qt_noop("QFileDialog", "Detail View"), qt_noop("QFileDialog", "Sidebar"),
    qt_noop("QFileDialog", "&New Folder"), qt_noop("QFileDialog", "New Folder"),
    qt_noop("QFileDialog", "&Rename"), qt_noop("QFileDialog", "&Delete"),
    qt_noop("QFileDialog", "Show &hidden files"), qt_noop("QFileDialog", "Directory:"),
    qt_noop("QFileDialog", "Directories"), qt_noop("QFileDialog", "My Computer"),
    qt_noop("QFileDialog", "%1 already exists.\nDo you want to replace it?"),
    qt_noop("QFileSystemModel", "Name"), qt_noop("QFileSystemModel", "Size"),
    qt_noop("QFileSystemModel", "Type"), qt_noop("QFileSystemModel", "Date Modified"),
    # The print dialog's first page.
    qt_noop("QPrintDialog", "Print"), qt_noop("QPrintDialog", "&Print"),
    qt_noop("QPrintDialog", "&Options >>"), qt_noop("QPrintDialog", "&Options <<"),
    qt_noop("QPrintDialog", "Print to File (PDF)"),
    qt_noop("QPrintWidget", "Printer"), qt_noop("QPrintWidget", "&Name:"),
    qt_noop("QPrintWidget", "P&roperties"), qt_noop("QPrintWidget", "Location:"),
    qt_noop("QPrintWidget", "Type:"), qt_noop("QPrintWidget", "Output &file:"),
    qt_noop("QPrintSettingsOutput", "Copies"), qt_noop("QPrintSettingsOutput", "Copies:"),
    qt_noop("QPrintSettingsOutput", "Collate"), qt_noop("QPrintSettingsOutput", "Reverse"),
    qt_noop("QPrintSettingsOutput", "Options"), qt_noop("QPrintSettingsOutput", "Pages from"),
    qt_noop("QPrintSettingsOutput", "to"), qt_noop("QPrintSettingsOutput", "Print all"),
    qt_noop("QPrintSettingsOutput", "Print range"), qt_noop("QPrintSettingsOutput", "Selection"),
    qt_noop("QPrintSettingsOutput", "Current Page"),
    qt_noop("QPrintSettingsOutput", "Color Mode"), qt_noop("QPrintSettingsOutput", "Color"),
    qt_noop("QPrintSettingsOutput", "Grayscale"),
    # The context menu of every text field.
    qt_noop("QLineEdit", "&Undo"), qt_noop("QLineEdit", "&Redo"), qt_noop("QLineEdit", "Cu&t"),
    qt_noop("QLineEdit", "&Copy"), qt_noop("QLineEdit", "&Paste"), qt_noop("QLineEdit", "Delete"),
    qt_noop("QLineEdit", "Select All"),
    qt_noop("QWidgetTextControl", "&Undo"), qt_noop("QWidgetTextControl", "&Redo"),
    qt_noop("QWidgetTextControl", "Cu&t"), qt_noop("QWidgetTextControl", "&Copy"),
    qt_noop("QWidgetTextControl", "&Paste"), qt_noop("QWidgetTextControl", "Delete"),
    qt_noop("QWidgetTextControl", "Select All"),
    qt_noop("QWidgetTextControl", "Copy &Link Location"),
)
_LISTED = frozenset(QT_STRINGS)


class CatalogueTranslator(QTranslator):
    """Qt's listed strings from the app's gettext catalogue; anything else untouched."""

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str:
        if (context, source) not in _LISTED:
            return ""  # Qt then asks the next translator, or shows the source
        text = pgettext(context, source)
        return "" if text == source else text

    def isEmpty(self) -> bool:
        return False


_installed: list[QTranslator] = []  # kept alive: Qt does not own an installed translator


def install_qt_translators(app: QCoreApplication) -> None:
    """Qt's shipped catalogue for the app's language if it has one, then ours."""
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    language = current_language()
    QLocale.setDefault(QLocale(language))  # dates, numbers and the calendar popup
    if language == "en":
        return
    shipped = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if shipped.load(f"qtbase_{language}", folder):
        _installed.append(shipped)
    _installed.append(CatalogueTranslator(app))
    for translator in _installed:  # the last installed is asked first: ours wins
        app.installTranslator(translator)
