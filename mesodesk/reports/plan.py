"""The treatment plan: what the patient takes home to read, in plain words.

It explains; it never promises. The course is a dated table, the risks are in the
consent summary that follows, and every clinical statement comes from the knowledge
base or the screening result.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from mesodesk.domain.courses import PlannedCourse
from mesodesk.reports.blocks import (
    StoryItem,
    Together,
    bullets,
    callout,
    clinic_header,
    data_table,
    heading,
    info_table,
    plain_table,
)
from mesodesk.reports.context import Context
from mesodesk.reports.text import esc, paragraphs, sentence
from mesodesk.reports.words import _, long_date, ngettext, number, weekday


def header(ctx: Context, title: str, subtitle: str) -> list[StoryItem]:
    """Clinic header, document title and the patient box (top of each part)."""
    styles = ctx.styles
    name = esc(ctx.clinic_name_raw)
    practitioner = ctx.practitioner_line
    flowables: list[StoryItem] = [*clinic_header(name, ctx.clinic_details, practitioner,
                                                 ctx.logo, ctx.width, styles)]
    flowables += [Paragraph(title, styles.title), Paragraph(subtitle, styles.subtitle)]
    return flowables


def plan_story(ctx: Context) -> list[StoryItem]:
    styles = ctx.styles
    story = header(ctx, _("Your treatment plan"),
                   _("Prepared for you at your consultation on {date}. Please keep it and bring "
                     "it to your sessions.").format(date=ctx.date))
    story += [info_table(ctx.patient_rows(with_concerns=True), ctx.width, styles), Spacer(1, 2 * mm)]
    story += _concerns(ctx)
    story += heading(_("What mesotherapy is"), styles)
    story.append(Paragraph(esc(ctx.kb.general.what_is_mesotherapy), styles.body))
    story.append(Paragraph(esc(ctx.kb.general.depth_note), styles.body))
    story += _used(ctx)
    story += _not_used(ctx)
    story += _courses(ctx)
    story += _what_you_can_do(ctx)
    story += _care(ctx)
    if ctx.doc.notes.strip():
        story += heading(_("Notes from your consultation"), styles)
        story += [Paragraph(part, styles.body) for part in paragraphs(ctx.doc.notes)]
    return story


def _concerns(ctx: Context) -> list[StoryItem]:
    styles = ctx.styles
    story = heading(_("What you came to us about"), styles)
    items = [f"<b>{esc(ctx.kb.concerns[c].name)}.</b> {esc(ctx.kb.concerns[c].patient_text)}"
             for c in ctx.doc.concerns]
    story += bullets(items, styles)
    return story


def _used(ctx: Context) -> list[StoryItem]:
    styles = ctx.styles
    story = heading(_("What we plan to use"), styles)
    groups = ctx.selected_by_class()
    if not groups:
        story.append(Paragraph(_("No substance has been chosen yet. Your practitioner will talk "
                                 "this through with you before any session."), styles.body))
        return story
    story.append(Paragraph(_("Your practitioner has chosen the following, grouped by what each "
                             "group is meant to do:"), styles.intro))
    general = ctx.general_cautions()
    for position, (class_id, items) in enumerate(groups, start=1):
        ingredient_class = ctx.kb.classes[class_id]
        entries: list[str | list[Flowable]] = []
        for item in items:
            substance = ctx.kb.substances[item.id]
            line = Paragraph(f"<b>{esc(substance.name)}</b>: {esc(substance.patient_text)}",
                             styles.bullet)
            notes = [Paragraph(_("Used with extra care: {why}").format(why=esc(reason.patient_text)),
                               styles.bullet_note)
                     for reason in ctx.specific_cautions(item)]
            if item.overrides:
                notes.append(Paragraph(_("Used after a considered decision by your practitioner; "
                                         "the reason is written in your consent summary."),
                                       styles.bullet_note))
            entries.append([line, *notes])
        tail: list[Flowable] = []
        if general and position == len(groups):
            # Said once for the whole selection, kept on the page of the last substance.
            lines = [Paragraph(_("Because of your medical history"), styles.callout_title)]
            lines += [Paragraph(esc(r.patient_text), styles.callout) for r in general]
            tail = [Spacer(1, 1 * mm), callout(lines, ctx.width), Spacer(1, 2 * mm)]
        story.append(Paragraph(esc(ingredient_class.name), styles.h3))
        story.append(Paragraph(esc(ingredient_class.patient_text), styles.lead))
        story += bullets(entries, styles, tail=tail)
    good_to_know = [w for w in ctx.result.warnings if w.patient_text]
    if good_to_know:
        story.append(Paragraph(_("Good to know"), styles.h3))
        story += bullets([esc(w.patient_text) for w in good_to_know], styles)
    return story


def _not_used(ctx: Context) -> list[StoryItem]:
    styles = ctx.styles
    story = heading(_("What we decided not to use, and why"), styles)
    excluded = ctx.result.excluded
    if not excluded:
        story.append(Paragraph(_("Nothing that is usually suggested for your concern had to be left "
                                 "out because of your medical history."), styles.body))
        return story
    story.append(Paragraph(_("These are usually suggested for your concern, but they are not right "
                             "for you:"), styles.intro))
    items = []
    for item in excluded:
        why = " ".join(esc(sentence(r.patient_text)) for r in item.contraindications)
        items.append(f"<b>{esc(item.name)}</b>: {why}")
    story += bullets(items, styles)
    return story


def course_title(ctx: Context, course: PlannedCourse) -> str:
    count = len(course.sessions)
    sessions = ngettext("{n} session", "{n} sessions", count).format(n=number(count))
    if count == 1:
        return _("{concern}: {sessions}").format(
            concern=esc(ctx.kb.concerns[course.concern].name), sessions=sessions)
    every = ngettext("one every day", "one every {n} days", course.interval_days).format(
        n=number(course.interval_days))
    return _("{concern}: {sessions}, {every}").format(
        concern=esc(ctx.kb.concerns[course.concern].name), sessions=sessions, every=every)


def _courses(ctx: Context) -> list[StoryItem]:
    styles = ctx.styles
    story = heading(_("Your course of sessions"), styles)
    story.append(Paragraph(_("Each course is a series of sessions on the dates below. The dates can "
                             "be moved if you need to; tell us as early as you can."), styles.intro))
    widths = [24 * mm, 58 * mm, 40 * mm]
    for course in ctx.result.courses:
        rows = [[number(s.number), long_date(s.date), weekday(s.date)] for s in course.sessions]
        table = plain_table([_("Session"), _("Date"), _("Day")], rows, widths, styles)
        afterwards = Paragraph(_("<b>Afterwards:</b> {maintenance}").format(
            maintenance=esc(course.maintenance)), styles.body)
        # A course that fits on a page stays in one piece with its title; a longer one
        # splits, repeating its header row on each page.
        story.append(Together([Paragraph(course_title(ctx, course), styles.h3), table,
                                   Spacer(1, 2 * mm), afterwards]))
    story += [Spacer(1, 1 * mm),
              callout([Paragraph(_("What to expect"), styles.callout_title),
                       Paragraph(esc(ctx.kb.general.results_disclaimer), styles.callout)],
                      ctx.width)]
    return story


def _what_you_can_do(ctx: Context) -> list[StoryItem]:
    styles = ctx.styles
    items = [esc(advice) for c in ctx.doc.concerns for advice in ctx.kb.concerns[c].advice]
    items += [f"<b>{esc(a.name)}.</b> {esc(a.text)}" for a in ctx.result.advice]
    if not items:
        return []
    story = heading(_("What you can do"), styles)
    story.append(Paragraph(_("Between sessions, these can help:"), styles.intro))
    story += bullets(items, styles)
    return story


def _care(ctx: Context) -> list[StoryItem]:
    return heading(_("Before and after each session"), ctx.styles) + care_story(ctx)


def care_story(ctx: Context) -> list[StoryItem]:
    """The before- and after-care for what is chosen: in the plan, and in the consent
    (the paper the patient signs and keeps)."""
    styles = ctx.styles
    story: list[StoryItem] = []
    before = ctx.aftercare("before")
    if before:
        story.append(Paragraph(_("Before each session"), styles.h3))
        story += bullets([esc(a.text) for a in before], styles)
    after = ctx.aftercare("after")
    timed = [a for a in after if a.default.strip() not in {"", "—", "-"}]
    untimed = [a for a in after if a not in timed]
    block: list[StoryItem] = []
    if after:
        block.append(Paragraph(_("After each session"), styles.h3))
    if timed:
        rows = [[esc(a.text), esc(a.default)] for a in timed]
        block += [data_table([_("Advice"), _("For at least")], rows,
                             [ctx.width - 45 * mm, 45 * mm], styles), Spacer(1, 3 * mm)]
    if untimed:
        block += bullets([esc(a.text) for a in untimed], styles)
    block.append(Paragraph(ctx.contact_us(_(
        "If anything worries you after a session, contact us{contact}. The risks, including "
        "what to watch for in the weeks after a session, are listed in your consent summary.")),
        styles.body))
    # The after-care is read as one piece: it moves to the next page whole rather than
    # leaving its last line alone there.
    story.append(Together(block))
    return story
