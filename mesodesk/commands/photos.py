"""Headless photograph commands: ``photo add``, ``photo list``, ``photo consent`` and
``photo sheet``; each calls ``mesodesk.services.photos`` as the GUI does."""

from __future__ import annotations

import argparse
import datetime as dt
import json

from mesodesk.commands.clinical import knowledge
from mesodesk.commands.common import (
    CommandError,
    actor,
    confirm,
    open_store,
    service_errors,
    whole_number,
)
from mesodesk.exit_codes import EXIT_OK
from mesodesk.i18n import _
from mesodesk.services import photos as service


def _date(text: str | None, option: str) -> dt.date | None:
    from mesodesk.domain.dates import DateError, parse_date

    if text is None:
        return None
    try:
        return parse_date(text, option, typed=True)
    except DateError as error:
        raise CommandError(str(error)) from None


def _when(photo) -> str:
    return _("before") if photo.session_id is None else _("session {id}").format(
        id=photo.session_id)


def photo_add_command(args: argparse.Namespace) -> int:
    patient_id = whole_number(args.patient, _("patient id"))
    session_id = whole_number(args.session, _("session id")) if args.session else None
    taken_on = _date(args.taken, "--taken")
    kb = knowledge()
    added = []
    with open_store(args, "photo add") as db:
        for name in args.files:
            so_far = (_("; added before it: {ids}").format(ids=", ".join(added)) if added
                      else _("; nothing was added"))
            with service_errors(suffix=so_far):
                photo = service.add_photo(db, patient_id, name, area=args.area, view=args.view,
                                          session_id=session_id, taken_on=taken_on,
                                          actor=actor("photo add"), kb=kb)
            added.append(str(photo.id))
            print(_("added photograph {id} from {file}: {area}, {view}, {when}, taken {date}, "
                    "{width} x {height} px, without its metadata").format(
                id=photo.id, file=name, area=photo.area, view=photo.view, when=_when(photo),
                date=photo.taken_on.isoformat(), width=photo.width, height=photo.height))
    print(" ".join(added))
    return EXIT_OK


def _consent_line(state) -> str:
    if state.in_force:
        return _("photo consent: in force since {date}").format(date=state.since.isoformat())
    return _("photo consent: not in force")


def photo_list_command(args: argparse.Namespace) -> int:
    patient_id = whole_number(args.patient, _("patient id"))
    with open_store(args, "photo list", migrate=False) as db:
        with service_errors():
            photos = service.list_photos(db, patient_id)
            state = service.photo_consent(db, patient_id)
    if args.json:
        print(json.dumps({
            "patient": patient_id, "consent_in_force": state.in_force,
            "consent_since": state.since.isoformat() if state.since else None,
            "photos": [{"id": p.id, "area": p.area, "view": p.view, "session": p.session_id,
                        "taken_on": p.taken_on.isoformat(), "width": p.width,
                        "height": p.height, "added_at": p.added_at.isoformat()}
                       for p in photos]}, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(_consent_line(state))
    for p in photos:
        print(f"  {p.id:>6}  {p.taken_on.isoformat()}  {p.area:<18} {p.view:<9} "
              f"{_when(p):<12} {p.width} x {p.height}")
    if not photos:
        print("  " + _("no photographs"))
    return EXIT_OK


def photo_consent_command(args: argparse.Namespace) -> int:
    patient_id = whole_number(args.patient, _("patient id"))
    on = _date(args.date, "--date")
    with open_store(args, "photo consent", migrate=args.action is not None) as db:
        with service_errors():
            patient = db.patients.get(patient_id)
            state = service.photo_consent(db, patient_id)
        if args.action is None:
            print(_consent_line(state))
            for event in state.events:
                what = _("given") if event.given else _("withdrawn")
                print(f"  {event.on.isoformat()}  {what:<10} {event.source}  {event.actor}")
            return EXIT_OK
        if args.action == "give":
            with service_errors(suffix=_("; nothing was recorded")):
                state = service.give_photo_consent(db, patient_id, on, actor=actor("photo consent"))
            print(_("recorded the photo consent of {name} (patient {id}), given on {date}").format(
                name=patient.name, id=patient_id, date=state.since.isoformat()))
            return EXIT_OK
        with service_errors():
            count = service.count_photos(db, patient_id)
        day = (on or dt.date.today()).isoformat()
        confirm(_("Withdraw the photo consent of {name} (patient {id}) on {date}? The image "
                  "data of their {count} photographs will be deleted for good; the rest of the "
                  "record stays as it is.").format(name=patient.name, id=patient_id, date=day,
                                                    count=count),
                args.yes, _("the photo consent was not withdrawn and no image was deleted"))
        with service_errors(suffix=_("; nothing was changed")):
            result = service.withdraw_photo_consent(db, patient_id, on,
                                                    actor=actor("photo consent"))
    print(_("withdrew the photo consent of {name} (patient {id}) on {date}; deleted the image "
            "data of {count} photographs").format(name=patient.name, id=patient_id,
                                                  date=result.on.isoformat(),
                                                  count=result.deleted))
    return EXIT_OK


def photo_sheet_command(args: argparse.Namespace) -> int:
    before = whole_number(args.before, _("photograph id"))
    after = whole_number(args.after, _("photograph id"))
    kb = knowledge()
    with open_store(args, "photo sheet", migrate=False) as db:
        with service_errors():
            path = service.write_comparison_sheet(db, kb, before, after, args.out,
                                                  language=args.language,
                                                  actor=actor("photo sheet"))
    print(_("wrote {path}").format(path=path))
    return EXIT_OK
