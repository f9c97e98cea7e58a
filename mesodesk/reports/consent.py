"""The consent summary: what the patient agrees to, and signs.

It follows domain.md "What the consent summary contains": the procedure, why the
patient wants it, alternatives including no treatment, that results are not
guaranteed, sessions and schedule, the substances and their regulatory status, the
declared medical history and every overridden contraindication with its reason,
common and serious risks (with the delayed-infection warning), before- and
after-care, the separate photograph consent, the patient's rights, and the
signatures with their date.
"""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from mesodesk.domain.knowledge import DELAYED_INFECTION, PLACED_CONSENT_SECTIONS, ConsentSection
from mesodesk.reports.blocks import (
    SignatureField,
    StoryItem,
    Together,
    bullets,
    callout,
    data_table,
    heading,
    info_table,
    signature_block,
    tick_box,
)
from mesodesk.reports.context import Context
from mesodesk.reports.plan import care_story, course_title, header
from mesodesk.reports.text import esc, esc_lines, paragraphs, sentence
from mesodesk.reports.words import _, join_words, long_date, number

# The fixed sections of consent.toml this module places itself (any other section a
# clinic adds is printed before the signatures), and the adverse effect printed as a
# highlighted warning: the knowledge base must have them (domain.knowledge.REQUIRED_IDS).
_PLACED = set(PLACED_CONSENT_SECTIONS)


Sections = dict[str, ConsentSection]


class _Numbered:
    """Numbers the consent's headings, so a question can point at "section 7"."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.number = 0

    def __call__(self, title: str) -> list[StoryItem]:
        self.number += 1
        # Two no-break spaces as characters, not "&nbsp;" entities: without markup the
        # heading is one run of text, which lays out several times faster.
        return heading(f"{self.number}.\u00a0\u00a0{title}", self.ctx.styles)


def consent_story(ctx: Context) -> list[StoryItem]:
    styles = ctx.styles
    sections = {s.id: s for s in ctx.kb.consent_sections}
    story = header(ctx, _("Consent summary"),
                   _("A summary of what we discussed at your consultation on {date}. Read it at "
                     "home, ask us anything, and sign only when you are ready.").format(date=ctx.date))
    story += [info_table(ctx.patient_rows(with_concerns=False), ctx.width, styles), Spacer(1, 2 * mm)]
    numbered = _Numbered(ctx)
    parts: list[Callable[[Context, _Numbered, Sections], list[StoryItem]]] = [
        _procedure, _why, _alternatives, _results, _schedule, _substances, _history,
        _overrides, _risks, _care, _photographs, _rights, _extra_sections,
    ]
    for part in parts:
        story += part(ctx, numbered, sections)
    story += _signatures(ctx)
    return story


def _section_text(ctx: Context, section: ConsentSection | None) -> list[StoryItem]:
    if section is None:
        return []
    return [Paragraph(part, ctx.styles.body) for part in paragraphs(section.text)]


def _titled(ctx: Context, numbered: _Numbered, sections: Sections,
            section_id: str, fallback: str) -> list[StoryItem]:
    section = sections.get(section_id)
    title = esc(section.title) if section else fallback
    return numbered(title) + _section_text(ctx, section)


def _procedure(ctx: Context, numbered: _Numbered, sections: Sections) -> list[StoryItem]:
    story = _titled(ctx, numbered, sections, "procedure", _("The procedure"))
    story.append(Paragraph(_("Areas to be treated: {areas}.").format(areas=ctx.areas_text),
                           ctx.styles.body))
    return story


def _why(ctx: Context, numbered: _Numbered, sections: Sections) -> list[StoryItem]:
    story = numbered(_("Why you would like this treatment"))
    story.append(Paragraph(_("You told us you would like to improve:"), ctx.styles.intro))
    items = [f"<b>{esc(ctx.kb.concerns[c].name)}</b>: {esc(ctx.kb.concerns[c].patient_text)}"
             for c in ctx.doc.concerns]
    story += bullets(items, ctx.styles)
    if ctx.doc.goals.strip():
        story.append(Paragraph(_("What you hope for, in your own words:"), ctx.styles.intro))
        story += [Paragraph(f"<i>{part}</i>", ctx.styles.body) for part in paragraphs(ctx.doc.goals)]
    return story


def _alternatives(ctx: Context, numbered: _Numbered, sections: Sections) -> list[StoryItem]:
    return _titled(ctx, numbered, sections, "alternatives", _("Alternatives"))


def _results(ctx: Context, numbered: _Numbered, sections: Sections) -> list[StoryItem]:
    return _titled(ctx, numbered, sections, "results", _("Results are not guaranteed"))


def _schedule(ctx: Context, numbered: _Numbered, sections: Sections) -> list[StoryItem]:
    story = numbered(_("Number of sessions and schedule"))
    items = []
    for course in ctx.result.courses:
        span = (_("on {date}").format(date=long_date(course.start_date))
                if len(course.sessions) == 1 else
                _("from {first} to {last}").format(first=long_date(course.start_date),
                                                   last=long_date(course.last_date)))
        items.append(f"<b>{course_title(ctx, course)}</b>, {span}. {esc(course.maintenance)}")
    story += bullets(items, ctx.styles)
    story.append(Paragraph(_("Every date is listed in your treatment plan."), ctx.styles.body))
    return story


def _substances(ctx: Context, numbered: _Numbered, sections: Sections) -> list[StoryItem]:
    styles = ctx.styles
    story = numbered(_("What will be injected, and its approval status"))
    selected = ctx.result.selected
    if not selected:
        story.append(Paragraph(_("No substance has been chosen yet."), styles.body))
        return story
    story.append(Paragraph(_("Most substances used in mesotherapy are not approved for this use. "
                             "Here is what each one is approved for, so you know when one is used "
                             "outside its approval (“off-label”) or is not an approved medicine:"),
                           styles.intro))
    authority = ctx.kb.authority_text(ctx.jurisdiction, ctx.clinic.member_state)
    if authority:
        story.append(Paragraph(esc(authority), styles.body))
    rows = [[esc(ctx.kb.substances[s.id].name),
             esc(ctx.kb.substances[s.id].status_for(ctx.jurisdiction))] for s in selected]
    story.append(data_table([_("Substance"), _("Approval and use")], rows,
                            [52 * mm, ctx.width - 52 * mm], styles, bold_first=True))
    story.append(Spacer(1, 2 * mm))
    off_label = ctx.cautions("off-label-area")
    if off_label:
        story += bullets([esc(text) for text in off_label], styles)
    story += _practitioner_doses(ctx)
    return story


def _practitioner_doses(ctx: Context) -> list[StoryItem]:
    """The dose ceiling in mg for this patient's weight (lidocaine), for the practitioner."""
    styles = ctx.styles
    lines = []
    for ceiling in ctx.result.dose_ceilings:
        lines.append(Paragraph(_(
            "{substance}: at most {amount} {unit} in one session for {weight} kg of body weight, "
            "all areas together.").format(
                substance=esc(ctx.kb.substance_name(ceiling.substance)),
                amount=number(ceiling.amount), unit=esc(ceiling.unit),
                weight=number(ceiling.weight_kg)), styles.callout))
    if not lines:
        return []
    return [Together([callout([Paragraph(_("For the practitioner: dose ceiling"),
                                         styles.callout_title), *lines], ctx.width),
                      Spacer(1, 2 * mm)])]


def _history(ctx: Context, numbered: _Numbered, sections: Sections) -> list[StoryItem]:
    styles = ctx.styles
    story = numbered(_("Your medical history"))
    declared = [ctx.history_label(h) for h in ctx.result.history if h in ctx.kb.history]
    reviewed = ctx.doc.history_reviewed
    if declared:
        story.append(Paragraph(_("You told us:"), styles.intro))
        story += bullets(declared, styles)
        if reviewed:
            story.append(Paragraph(_("You answered no to every other question we asked about "
                                     "your health, your medicines and your allergies."),
                                   styles.body))
    elif reviewed:
        story.append(Paragraph(_("You answered no to every question we asked about your health, "
                                 "your medicines and your allergies."), styles.body))
    if not reviewed:
        story.append(Paragraph(_("Not every question about your health has been answered yet. "
                                 "This summary cannot be signed until they are."), styles.body))
    story.append(Paragraph(_("Please tell us if anything changes before a session."), styles.body))
    if ctx.doc.history_notes.strip():
        story.append(Paragraph(_("Notes recorded at your consultation"), styles.h3))
        story += [Paragraph(part, styles.body) for part in paragraphs(ctx.doc.history_notes)]
    cautions = [esc(r.patient_text) for r in ctx.general_cautions()]
    for item in ctx.result.selected:
        cautions += [f"<b>{esc(item.name)}</b>: {esc(r.patient_text)}"
                     for r in ctx.specific_cautions(item)]
    if cautions:
        story.append(Paragraph(_("What this means for your treatment"), styles.h3))
        story += bullets(cautions, styles)
    if ctx.result.excluded:
        names = join_words([f"<b>{esc(s.name)}</b>" for s in ctx.result.excluded])
        story.append(Paragraph(_("Because of your medical history, {names} will not be used "
                                 "(see your treatment plan).").format(names=names), styles.body))
    return story


def _overrides(ctx: Context, numbered: _Numbered, sections: Sections) -> list[StoryItem]:
    styles = ctx.styles
    story = numbered(_("Decisions to use a substance despite a reason not to"))
    limits = {id(f.override): f for f in ctx.result.limits_exceeded if f.override is not None}
    applied = ctx.result.applied_overrides
    if not applied:
        story.append(Paragraph(_("None: nothing is used that your medical history rules out."),
                               styles.body))
        return story
    story.append(Paragraph(_("Your practitioner has decided to use the following, and has written "
                             "down why:"), styles.intro))
    items: list[str | list[Flowable]] = []
    for override in applied:
        item = ctx.result.substance(override.substance)
        entry: list[Flowable] = [Paragraph(f"<b>{esc(item.name)}</b>", styles.bullet)]
        finding = limits.get(id(override))
        why_not = ([esc(sentence(finding.limit.patient_text))] if finding is not None else
                   [esc(sentence(r.patient_text)) for r in item.contraindications
                    if r.history == override.history])
        if why_not:
            entry.append(Paragraph(_("Why it is normally not used: {why}").format(
                why=" ".join(why_not)), styles.bullet_detail))
        entry.append(Paragraph(_("Why it is used for you: {reason}").format(
            reason=esc_lines(override.reason)), styles.bullet_detail))
        items.append(entry)
    story += bullets(items, styles)
    return story


def _risks(ctx: Context, numbered: _Numbered, sections: Sections) -> list[StoryItem]:
    styles = ctx.styles
    story = numbered(_("Risks and side effects"))
    own = [f"<b>{esc(item.name)}</b>: {esc(ctx.kb.substances[item.id].risks)}"
           for item in ctx.result.selected if ctx.kb.substances[item.id].risks.strip()]
    if own:
        story.append(Paragraph(_("Risks of the substances chosen for you"), styles.h3))
        story += bullets(own, styles)
    combined = [esc(text) for text in ctx.cautions() if text not in ctx.cautions("off-label-area")]
    if combined:
        story.append(Paragraph(_("Because of the combination chosen"), styles.h3))
        story += bullets(combined, styles)
    common = ctx.adverse_effects("common")
    serious = [e for e in ctx.adverse_effects("serious") if e.id != DELAYED_INFECTION]
    delayed = [e for e in ctx.adverse_effects("serious") if e.id == DELAYED_INFECTION]
    if common:
        story.append(Paragraph(_("Common and expected; they settle on their own"), styles.h3))
        story += bullets([esc(e.text) for e in common], styles)
    if serious or delayed:
        story.append(Paragraph(_("Rare but serious"), styles.h3))
    if serious:
        story += bullets([esc(e.text) for e in serious], styles)
    for effect in delayed:
        # Printed once, in a box: the one risk the patient must act on weeks later.
        story.append(Together([Spacer(1, 1 * mm), callout([
            Paragraph(_("Important: painful lumps weeks later"), styles.callout_title),
            Paragraph(esc(effect.text), styles.callout),
        ], ctx.width, warning=True), Spacer(1, 2 * mm)]))
    return story


def _care(ctx: Context, numbered: _Numbered, sections: Sections) -> list[StoryItem]:
    story = numbered(_("Before and after each session"))
    story.append(Paragraph(_("Please follow this advice before and after every session. It is "
                             "also in your treatment plan."), ctx.styles.intro))
    return story + care_story(ctx)


def _photographs(ctx: Context, numbered: _Numbered, sections: Sections) -> list[StoryItem]:
    styles = ctx.styles
    story = _titled(ctx, numbered, sections, "photographs", _("Photographs (optional)"))
    # One box of its own, ticked only when the patient agreed: photographs are a
    # separate consent, and the treatment does not depend on it.
    story += [Spacer(1, 1 * mm),
              tick_box(ctx.doc.photo_consent,
                       _("I agree to photographs of the treated areas being taken, as described "
                         "above."), styles),
              Spacer(1, 2 * mm)]
    return story


def _rights(ctx: Context, numbered: _Numbered, sections: Sections) -> list[StoryItem]:
    return _titled(ctx, numbered, sections, "your-rights", _("Your decision"))


def _extra_sections(ctx: Context, numbered: _Numbered, sections: Sections) -> list[StoryItem]:
    story: list[StoryItem] = []
    for section in ctx.kb.consent_sections:
        if section.id not in _PLACED:
            story += numbered(esc(section.title)) + _section_text(ctx, section)
    return story


def _signatures(ctx: Context) -> list[StoryItem]:
    styles = ctx.styles
    signed = ctx.doc.signatures
    date = long_date(signed.signed_at.date()) if signed is not None else ""
    fields = [
        SignatureField(_("Patient's signature"), ctx.patient_name, ctx.patient_signature,
                       date if ctx.patient_signature else ""),
        SignatureField(_("Practitioner's signature"), ctx.practitioner_line,
                       ctx.practitioner_signature, date if ctx.practitioner_signature else ""),
    ]
    declaration = _("I have read this consent summary and my treatment plan. I have had time to "
                    "think and to ask questions, and they were answered. I understand the risks, "
                    "that results are not guaranteed, and that I may withdraw my consent at any "
                    "time. I agree to the treatment described.")
    return [
        Spacer(1, 4 * mm),
        Together([
            Paragraph(_("Agreement"), styles.h2),
            callout([Paragraph(declaration, styles.callout)], ctx.width),
            Spacer(1, 7 * mm),
            signature_block(fields, ctx.width, styles),
        ]),
    ]
