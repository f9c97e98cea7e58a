"""The suggested classes and substances, screened against the medical history; the
practitioner reviews the selection and records a reason where one is needed."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
)

from mesodesk.domain.document import DocumentError
from mesodesk.domain.screening import ScreeningResult, SubstanceResult
from mesodesk.i18n import _
from mesodesk.ui import colours
from mesodesk.ui.icons import icon, status_icon
from mesodesk.ui.widgets import Banner, plain_label
from mesodesk.ui.wizard.override_dialog import OverrideDialog
from mesodesk.ui.wizard.pages.base import Page
from mesodesk.ui.wizard.state import describe_issues
from mesodesk.ui.labels import SCREENING_COLOURS, SCREENING_STATUS

if TYPE_CHECKING:
    from mesodesk.domain.records import ConsultationRecord
    from mesodesk.ui.wizard.context import PageContext

ROLE_ID = Qt.ItemDataRole.UserRole
STATUS_TEXT, STATUS_COLOURS = SCREENING_STATUS, SCREENING_COLOURS  # the names the pages export


class IngredientsPage(Page):
    owns = ("substances", "overrides")

    def __init__(self, context: PageContext):
        super().__init__(context, _("Ingredients"),
                         _("The suggested classes and substances, screened against the medical "
                           "history. Review the selection."))
        self.result: ScreeningResult | None = None
        self.chosen: list[str] = []
        self.items: dict[str, list[QTreeWidgetItem]] = {}
        self.override_dialog: OverrideDialog | None = None
        self._reason_memory: dict[str, list[dict[str, Any]]] = {}
        self._updating = False
        layout = self.page_layout()

        self.blocked = Banner("blocked")
        self.blocked.hide()
        self.not_treated_button = self.blocked.add_button(_("Save as not treated"), "not-treated")
        self.not_treated_button.clicked.connect(self.save_not_treated)
        layout.addWidget(self.blocked)

        legend = QHBoxLayout()
        legend.setSpacing(14)
        for status, text in (("ok", _("No concern")), ("caution", _("Caution")),
                             ("contraindicated", _("Contraindicated")),
                             ("override", _("Chosen with a recorded reason"))):
            icon_label = QLabel()
            icon_label.setPixmap(status_icon(status).pixmap(QSize(14, 14)))
            legend.addWidget(icon_label)
            legend.addWidget(plain_label(text, wrap=False))
        legend.addStretch(1)
        layout.addLayout(legend)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([_("Substance"), _("Status")])
        self.tree.setUniformRowHeights(True)
        self.tree.setStyleSheet("QTreeWidget::item { padding: 2px 0px; }")
        self.tree.setAccessibleName(_("Ingredients"))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(False)
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.currentItemChanged.connect(self._current_changed)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        splitter.addWidget(self.tree)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(6, 0, 0, 0)
        self.details = QTextBrowser()
        self.details.setAccessibleName(_("About the selected substance"))
        self.details.setOpenLinks(False)
        self.details.setMinimumWidth(280)
        side_layout.addWidget(self.details, 3)
        self.edit_reason = QPushButton(icon("status-override"), _("Edit the recorded reason…"))
        self.edit_reason.clicked.connect(self._edit_reason)
        self.edit_reason.hide()
        side_layout.addWidget(self.edit_reason)
        self.warnings = QTextBrowser()
        self.warnings.setAccessibleName(_("Warnings for this selection"))
        self.warnings.setMaximumHeight(150)
        side_layout.addWidget(self.warnings, 1)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.error)

    # -- building the tree ------------------------------------------------------------------
    def initializePage(self) -> None:  # noqa: N802
        state = self.state
        automatic = state.screening(substances=None)
        if state.substances is None or automatic is None:
            chosen = [s.id for s in automatic.selected] if automatic else []
        else:
            offered = {s.id for s in automatic.substances}
            new_concerns = [c for c in state.concerns if c not in state.substances_for]
            chosen = [s for s in state.substances if s in offered]
            chosen += [s.id for s in automatic.selected
                       if s.concern in new_concerns and s.id not in chosen]
        self.chosen = chosen
        state.drop_overrides_except(set(chosen))
        self._sync_state()
        self._build_tree()
        self._rescreen()
        first = self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)
        self.tree.setFocus()

    def _sync_state(self) -> None:
        order = [s.id for s in (self.state.screening(substances=None) or _Empty()).substances]
        self.state.substances = [s for s in order if s in self.chosen] + [
            s for s in self.chosen if s not in order]
        self.state.substances_for = tuple(self.state.concerns)

    def _build_tree(self) -> None:
        self._updating = True
        self.tree.clear()
        self.items = {}
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for concern_id in self.state.concerns:
            concern = self.kb.concerns[concern_id]
            top = QTreeWidgetItem([concern.name, ""])
            top.setFont(0, bold)
            top.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            top.setData(0, ROLE_ID, None)
            self.tree.addTopLevelItem(top)
            for class_id in self.kb.classes_of(concern_id):
                klass = self.kb.classes[class_id]
                group = QTreeWidgetItem([klass.name, ""])
                group.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                group.setToolTip(0, klass.practitioner_note)
                group.setData(0, ROLE_ID, None)
                group.setData(1, ROLE_ID, class_id)
                top.addChild(group)
                for substance_id in klass.substances:
                    item = QTreeWidgetItem([self.kb.substances[substance_id].name, ""])
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                                  | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setData(0, ROLE_ID, substance_id)
                    item.setCheckState(0, Qt.CheckState.Checked if substance_id in self.chosen
                                       else Qt.CheckState.Unchecked)
                    group.addChild(item)
                    self.items.setdefault(substance_id, []).append(item)
            top.setExpanded(True)
            for index in range(top.childCount()):
                top.child(index).setExpanded(True)
        self._updating = False

    # -- screening and display --------------------------------------------------------------------
    def _rescreen(self) -> None:
        self._sync_state()
        self.result = self.state.screening()
        self._show_statuses()
        self._show_details(self.tree.currentItem())
        self._show_warnings()
        self._show_blocks()
        self.completeChanged.emit()

    def _status_of(self, substance: SubstanceResult) -> tuple[str, str]:
        chosen = substance.id in self.chosen
        if substance.status == "contraindicated" and chosen:
            return "override", _("Chosen with override")
        if substance.overrides and chosen:
            return "override", _("{status}, reason recorded").format(
                status=_(STATUS_TEXT[substance.status]))
        text = _(STATUS_TEXT[substance.status])
        if substance.requires_reason and not chosen:
            text = _("{status}; needs a recorded reason").format(status=text)
        return substance.status, text

    def _tooltip(self, substance: SubstanceResult) -> str:
        lines = [substance.name]
        lines += [f"• {reason.text}" for reason in substance.reasons] or [_("No concern found in the "
                                                                              "medical history.")]
        lines += [_("Reason recorded: {reason}").format(reason=o.reason) for o in substance.overrides]
        return "\n".join(lines)

    def _show_statuses(self) -> None:
        if self.result is None:
            return
        self._updating = True
        for substance in self.result.substances:
            status, text = self._status_of(substance)
            tooltip = self._tooltip(substance)
            colour = colours.colour(STATUS_COLOURS[status], self.palette())
            for item in self.items.get(substance.id, []):
                item.setIcon(1, status_icon(status))
                item.setText(1, text)
                item.setForeground(1, colour)
                item.setForeground(0, colour if status == "contraindicated" else self.palette().text().color())
                item.setToolTip(0, tooltip)
                item.setToolTip(1, tooltip)
                item.setCheckState(0, Qt.CheckState.Checked if substance.id in self.chosen
                                   else Qt.CheckState.Unchecked)
        self._updating = False

    def _show_details(self, item: QTreeWidgetItem | None) -> None:
        self.edit_reason.hide()
        substance_id = item.data(0, ROLE_ID) if item is not None else None
        if item is not None and substance_id is None and item.data(1, ROLE_ID):
            klass = self.kb.classes[item.data(1, ROLE_ID)]
            self.details.setHtml(f"<h3>{escape(klass.name)}</h3><p>{escape(klass.practitioner_note)}"
                                 f"</p><p style='color:{colours.muted(self.palette())};'>{escape(klass.patient_text)}</p>")
            return
        if self.result is not None and self.result.generally_contraindicated:
            causes = "".join(f"<li>{escape(b.text)}</li>" for b in self.result.blocked_by
                             if b.general)
            self.details.setHtml(f"<p style='color:{colours.css('contraindicated', self.palette())};'><b>" + escape(
                _("Every substance is ruled out for this patient:")) + f"</b></p><ul>{causes}</ul>")
            return
        if not substance_id or self.result is None:
            self.details.setHtml(f"<p style='color:{colours.muted(self.palette())};'>" + escape(
                _("Select a substance to see why it has its status, its regulatory status and "
                  "the evidence.")) + "</p>")
            return
        substance = self.result.substance(substance_id)
        info = self.kb.substances[substance_id]
        status, text = self._status_of(substance)
        colour = colours.css(SCREENING_COLOURS[status], self.palette())
        parts = [f"<h3 style='margin-bottom:2px;'>{escape(info.name)}</h3>",
                 f"<p style='color:{colour}; font-weight:bold; margin-top:0;'>{escape(text)}</p>"]
        if substance.reasons:
            parts.append("<ul>" + "".join(f"<li>{escape(r.text)}</li>" for r in substance.reasons)
                         + "</ul>")
        if substance.excluded_by_screening:
            parts.append("<p><i>" + escape(_("Usually suggested, but left out because of the "
                                             "medical history.")) + "</i></p>")
        for override in substance.overrides:
            parts.append("<p><b>" + escape(_("Reason recorded:")) + "</b> " + escape(override.reason)
                         + "</p>")
        if substance.requires_reason and substance_id not in self.chosen:
            parts.append("<p>" + escape(info.reason_prompt) + "</p>")
        parts.append(f"<p>{escape(info.practitioner_note)}</p>")
        parts.append("<p><b>" + escape(_("Regulatory:")) + "</b> " + escape(info.regulatory) + "</p>")
        parts.append("<p><b>" + escape(_("Evidence:")) + "</b> " + escape(info.evidence) + "</p>")
        self.details.setHtml("".join(parts))
        self.edit_reason.setVisible(substance_id in self.chosen and bool(self.state.overrides_for(substance_id)))

    def _show_warnings(self) -> None:
        warnings = self.result.warnings if self.result else ()
        if not warnings:
            self.warnings.setHtml(f"<p style='color:{colours.muted(self.palette())};'>" + escape(_("No warning for this "
                                                                          "selection.")) + "</p>")
            return
        self.warnings.setHtml("<p><b>" + escape(_("Warnings")) + "</b></p><ul>" + "".join(
            f"<li style='color:{colours.css('caution', self.palette())};'>{escape(w.text)}</li>" for w in warnings) + "</ul>")

    def _show_blocks(self) -> None:
        result = self.result
        if result is None or not result.blocked:
            self.blocked.hide()
            self.tree.setEnabled(True)
            return
        general = [b for b in result.blocked_by if b.general]  # history rules out everything
        nothing = any(b.code == "nothing-to-treat" for b in result.blocked_by)
        if general:
            lines = [_("Mesotherapy cannot be given to this patient:")]
            lines += [f"• {b.text}" for b in general]
            lines.append(_("No override lifts this. Save the consultation as not treated; the "
                           "record keeps what was declared."))
            self.not_treated_button.show()
            self.tree.setEnabled(False)
        else:
            lines = [_("This selection cannot be signed yet:")]
            lines += [f"• {b.text}" for b in result.blocked_by]
            if not nothing:  # the nothing-to-treat block says itself what to do
                lines.append(_("Untick a substance that is ruled out, or double-click it to "
                               "record a reason."))
            self.not_treated_button.setVisible(nothing)
            self.tree.setEnabled(True)
        if self.state.finished:
            self.not_treated_button.hide()
        self.blocked.set_text("\n".join(lines))
        self.blocked.show()

    def isComplete(self) -> bool:  # noqa: N802
        return self.result is not None and not self.result.blocked and not self.state.finished

    # -- not treated ---------------------------------------------------------------------------
    @Slot()
    def save_not_treated(self) -> None:
        """Store the consultation as not treated (what was declared, and why no treatment)."""
        try:
            doc = self.state.document(signatures=None)
        except DocumentError as error:
            self.show_error(describe_issues(error))
            return
        if self.state.patient_id is None:
            return
        self.not_treated_button.setEnabled(False)
        self.ops.save_not_treated(doc, self._not_treated_saved, self._not_treated_failed)

    def _not_treated_saved(self, _record: ConsultationRecord) -> None:
        self.blocked.set_kind("info")
        self.blocked.set_text(_("Saved as not treated. The record keeps what was declared and "
                                "why no treatment was given. You can close this window."))
        self.not_treated_button.hide()
        self.wizard().setButtonText(QWizard.WizardButton.CancelButton, _("Close"))
        self.completeChanged.emit()

    def _not_treated_failed(self, error: BaseException) -> None:
        self.not_treated_button.setEnabled(True)
        self.show_error(_("Could not save as not treated: {reason}").format(reason=error))

    # -- choosing ------------------------------------------------------------------------------
    @Slot(QTreeWidgetItem, int)
    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._updating or column != 0 or self.result is None:
            return
        substance_id = item.data(0, ROLE_ID)
        if not substance_id:
            return
        checked = item.checkState(0) == Qt.CheckState.Checked
        if checked and substance_id not in self.chosen:
            substance = self.result.substance(substance_id)
            # The domain says whether written reasons are needed and which are still missing.
            if substance.needs_written_reason and substance.missing_reasons:
                self._set_checked(substance_id, False)
                QTimer.singleShot(0, lambda: self.ask_reason(substance_id))
                return
            self.chosen.append(substance_id)
        elif not checked and substance_id in self.chosen:
            self.chosen.remove(substance_id)
            remembered = self.state.overrides_for(substance_id)
            if remembered:
                self._reason_memory[substance_id] = remembered
            self.state.set_overrides(substance_id, [])
        self._rescreen()

    def _set_checked(self, substance_id: str, checked: bool) -> None:
        self._updating = True
        for item in self.items.get(substance_id, []):
            item.setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self._updating = False

    def set_substance_checked(self, substance_id: str, checked: bool) -> None:
        """What a click on the check box does (for the keyboard and for tests)."""
        items = self.items.get(substance_id)
        if items:
            items[0].setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def ask_reason(self, substance_id: str) -> OverrideDialog:
        assert self.result is not None
        substance = self.result.substance(substance_id)
        existing = self.state.overrides_for(substance_id) or self._reason_memory.get(substance_id, [])
        dialog = OverrideDialog(substance, self.kb, existing, self)
        self.override_dialog = dialog

        def accepted() -> None:
            self.state.set_overrides(substance_id, dialog.overrides())
            if substance_id not in self.chosen:
                self.chosen.append(substance_id)
            self._rescreen()

        dialog.accepted.connect(accepted)
        dialog.finished.connect(lambda _code: setattr(self, "override_dialog", None))
        dialog.open()
        return dialog

    @Slot()
    def _edit_reason(self) -> None:
        item = self.tree.currentItem()
        if item is not None and item.data(0, ROLE_ID):
            self.ask_reason(item.data(0, ROLE_ID))

    @Slot(QTreeWidgetItem, int)
    def _double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        substance_id = item.data(0, ROLE_ID)
        if substance_id and self.result is not None:
            substance = self.result.substance(substance_id)
            if substance.needs_written_reason:
                self.ask_reason(substance_id)

    @Slot(QTreeWidgetItem, QTreeWidgetItem)
    def _current_changed(self, current: QTreeWidgetItem | None, _previous: Any) -> None:
        self._show_details(current)

    def store(self) -> None:
        if self.result is not None:
            self._sync_state()

    def check(self) -> str | None:
        problem = self.document_problem()
        if problem:
            return problem
        if self.result is not None and self.result.blocked:
            return "\n".join(block.text for block in self.result.blocked_by)
        return None


class _Empty:
    substances: tuple = ()
    selected: tuple = ()
