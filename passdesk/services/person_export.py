"""Everything the desk holds about one person, for them (the right of access, GDPR article 15):
a JSON file for machines, a PDF for people, from one read of the register.

Identity, profile, consents with the notice versions they were given under (and those
versions' words), handouts with their receipts and booklets, follow-up calls, the use of their
vouchers, and the access log's entries about them. The export itself is an access: it is
logged in the same unit of work, and so appears in the file it writes. The file is written to
the disk (under a temporary name) inside that unit of work too, so that a file that cannot be
written leaves no "exported" entry; only its renaming waits for the commit.
"""

from __future__ import annotations

import io
import json
import logging
import os
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from passdesk.documents.output import DISK_TROUBLE, StagedOutput
from passdesk.documents.privacy import ExportSection, PersonExportRecord, render_person_export
from passdesk.errors import EnvironmentProblem, InvalidInput, NotFound, PassDeskError, os_reason
from passdesk.formatting import format_date, format_datetime, format_money
from passdesk.i18n import _
from passdesk.models import (
    Agent,
    Beneficiary,
    ErasedPerson,
    FollowUpCall,
    Handout,
    HandoutBooklet,
    NoticeVersion,
    Place,
    Voucher,
    VoucherUse,
)
from passdesk.roles import Action
from passdesk.services import access_log
from passdesk.services.access_log import ACTIONS
from passdesk.services.base import Service, require
from passdesk.services.beneficiary_input import DIAGNOSTIC_NEEDS
from passdesk.services.followup import OUTCOMES
from passdesk.services.handout_reading import handout_row
from passdesk.services.people_scope import check_registered_here, visible_person
from passdesk.services.print_lines import desk_line
from passdesk.services.programmes import TARGET_GROUPS
from passdesk.services.rows import Actor, HandoutRow
from passdesk.store.database import after_commit

log = logging.getLogger(__name__)

FORMATS = (".json", ".pdf")
JSON_FORMAT = "passdesk-person-export/1"


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def _handout_status(row: HandoutRow) -> str:
    if row.cancelled:
        return _("cancelled")
    return _("overridden") if row.override_reason else _("handed out")


def _no_one(beneficiary_id: int) -> NotFound:
    return NotFound(
        _("No beneficiary with the number {id}.").format(id=beneficiary_id), field="beneficiary"
    )


def gather(session: Session, beneficiary_id: int, now: datetime) -> dict[str, Any]:
    """The person's data as plain JSON values (keys in English, for machines)."""
    person = session.get(Beneficiary, beneficiary_id)
    if person is None:
        raise _no_one(beneficiary_id)
    agents = dict(session.execute(select(Agent.id, Agent.login)).all())
    names = dict(session.execute(select(Agent.id, Agent.display_name)).all())

    def notice(version: int | None) -> dict[str, Any] | None:
        found = session.get(NoticeVersion, version) if version is not None else None
        if found is None:
            return None
        return {"version": found.id, "since": _iso(found.created_at), "text": found.text}

    handouts = [
        handout_row(session, h)
        for h in session.scalars(
            select(Handout)
            .where(Handout.beneficiary_id == person.id)
            .order_by(Handout.created_at, Handout.id)
        )
    ]
    uses = session.execute(
        select(Voucher.code, VoucherUse.used_at, Place.name, VoucherUse.amount)
        .select_from(VoucherUse)
        .join(Voucher, Voucher.id == VoucherUse.voucher_id)
        .join(HandoutBooklet, HandoutBooklet.booklet_id == Voucher.booklet_id)
        .join(
            Handout,
            and_(Handout.id == HandoutBooklet.handout_id, Handout.cancelled_at.is_(None)),
        )
        .outerjoin(Place, Place.id == VoucherUse.place_id)
        .where(Handout.beneficiary_id == person.id)
        .order_by(VoucherUse.used_at, Voucher.code)
    ).all()
    calls = session.scalars(
        select(FollowUpCall)
        .where(FollowUpCall.beneficiary_id == person.id)
        .order_by(FollowUpCall.called_at, FollowUpCall.id)
    ).all()
    erased = session.get(ErasedPerson, person.id)
    return {
        "format": JSON_FORMAT,
        "generated_at": _iso(now),
        "desk": desk_line(session).name,
        "beneficiary": {
            "id": person.id,
            "erased_at": _iso(person.erased_at),
            "last_name": person.last_name,
            "first_name": person.first_name,
            "birth_date": _iso(person.birth_date),
            "postcode": person.postcode,
            "commune": person.commune,
            "phone": person.phone,
            "email": person.email,
            "registered_at": _iso(person.created_at),
            "registered_by": agents.get(person.created_by),
            "updated_at": _iso(person.updated_at),
        },
        "profile": {
            "target_group": person.target_group,
            "needs": list(person.diagnostic or ()),
            "may_be_called": bool(person.contact_consent),
        },
        "consent": {
            "given_at": _iso(person.consent_at),
            "notice": notice(person.consent_notice_version_id),
        },
        "notice_shown": {
            "at": _iso(person.notice_shown_at),
            "notice": notice(person.notice_version_id),
        },
        "kept_for_statistics": None
        if erased is None
        else {
            "erased_at": _iso(erased.erased_at),
            "erased_by": agents.get(erased.agent_id) if erased.agent_id else None,
            "reason": erased.reason,
            "postcode": erased.postcode,
            "commune": erased.commune,
            "target_group": erased.target_group,
            "needs": list(erased.needs or ()),
            "age_bands": [list(change) for change in erased.age_bands or ()],
        },
        "handouts": [
            {
                "id": h.id,
                "receipt_number": h.receipt_number,
                "handed_out_at": _iso(h.created_at),
                "agent": agents.get(h.agent_id),
                "agent_name": names.get(h.agent_id, ""),
                "override_reason": h.override_reason,
                "cancelled_at": _iso(h.cancelled_at),
                "cancel_reason": h.cancel_reason,
                "total_value": str(h.total_value),
                "booklets": [
                    {
                        "code": b.booklet_code,
                        "programme": b.programme_code,
                        "programme_name": b.programme_name,
                        "first_voucher": b.first_voucher_code,
                        "last_voucher": b.last_voucher_code,
                        "vouchers": b.voucher_count,
                        "value": str(b.value),
                        "status": b.status,
                    }
                    for b in h.booklets
                ],
                "_status": _handout_status(h),
            }
            for h in handouts
        ],
        "follow_up_calls": [
            {
                "called_at": _iso(c.called_at),
                "agent": agents.get(c.agent_id),
                "outcome": c.outcome,
                "note": c.note,
            }
            for c in calls
        ],
        "voucher_uses": [
            {"voucher": code, "used_at": _iso(at), "place": place, "amount": str(amount)}
            for code, at, place, amount in uses
        ],
        "access_log": [
            {"at": _iso(e.at), "agent": e.agent_login, "action": e.action, "detail": e.detail}
            for e in access_log.entries_about(session, person.id)
        ],
    }


def _day(text: str | None) -> str:
    return format_date(datetime.fromisoformat(text).astimezone().date()) if text else ""


def _moment(text: str | None) -> str:
    return format_datetime(datetime.fromisoformat(text)) if text else ""


def _label(table: dict[str, str], key: str) -> str:
    return _(table[key]) if key in table else key


def export_record(data: dict[str, Any], session: Session, agent_name: str) -> PersonExportRecord:
    """The PDF's record: the same data, labelled in the agent's language."""
    b, profile = data["beneficiary"], data["profile"]
    identity = (
        (_("Number"), str(b["id"])),
        (_("Last name"), b["last_name"]),
        (_("First name"), b["first_name"]),
        (_("Birth date"), format_date(datetime.fromisoformat(b["birth_date"]).date())
         if b["birth_date"] else ""),
        (_("Postcode"), b["postcode"]),
        (_("Commune"), b["commune"]),
        (_("Phone"), b["phone"]),
        (_("E-mail"), b["email"]),
        (_("Registered"), _("on {date} by {agent}").format(
            date=_moment(b["registered_at"]), agent=b["registered_by"] or "")),
        (_("Last change"), _moment(b["updated_at"])),
    )  # fmt: skip
    if b["erased_at"]:
        identity += ((_("Erased"), _moment(b["erased_at"])),)
    needs = ", ".join(_label(DIAGNOSTIC_NEEDS, n) for n in profile["needs"])
    profile_rows = (
        (_("Target group"), _label(TARGET_GROUPS, profile["target_group"])),
        (_("Needs"), needs),
        (_("May be called"), _("yes") if profile["may_be_called"] else _("no")),
    )
    consent, shown = data["consent"], data["notice_shown"]
    consent_rows = (
        (
            _("Consent to the processing"),
            _("given on {date}").format(date=_moment(consent["given_at"]))
            if consent["given_at"]
            else _("not given"),
        ),
        (
            _("Notice consented under"),
            _("version {version}").format(version=consent["notice"]["version"])
            if consent["notice"]
            else _("not recorded"),
        ),
        (
            _("Notice last shown"),
            _("version {version}, on {date}").format(
                version=shown["notice"]["version"], date=_moment(shown["at"])
            )
            if shown["notice"]
            else _("not recorded"),
        ),
    )
    sections = [
        ExportSection(_("Identity"), identity),
        ExportSection(_("Profile"), profile_rows),
        ExportSection(_("Consent and information notice"), consent_rows),
    ]
    kept = data["kept_for_statistics"]
    if kept is not None:
        bands = ", ".join(f"{_day(day)} : {band}" for day, band in kept["age_bands"])
        sections.append(
            ExportSection(
                _("Kept after the erasure, for the funders' figures only"),
                (
                    (_("Reason"), kept["reason"]),
                    (_("Commune"), " ".join(p for p in (kept["postcode"], kept["commune"]) if p)),
                    (_("Target group"), _label(TARGET_GROUPS, kept["target_group"])),
                    (_("Needs"), ", ".join(_label(DIAGNOSTIC_NEEDS, n) for n in kept["needs"])),
                    (_("Age bands"), bands),
                ),
            )
        )
    sections += [
        ExportSection(
            _("Handouts"),
            tuple(
                (
                    h["receipt_number"],
                    _moment(h["handed_out_at"]),
                    h["agent_name"],
                    "\n".join(
                        f"{k['code']} ({k['first_voucher']} → {k['last_voucher']})"
                        for k in h["booklets"]
                    ),
                    format_money(Decimal(h["total_value"])),
                    h["_status"]
                    + (f"\n{h['cancel_reason']}" if h["cancel_reason"] else "")
                    + (f"\n{h['override_reason']}" if h["override_reason"] else ""),
                )
                for h in data["handouts"]
            ),
            (_("Receipt"), _("Date"), _("Agent"), _("Booklets"), _("Value"), _("Status")),
            (2, 2.3, 2, 5, 1.5, 2.2),
            _("No handout."),
        ),
        ExportSection(
            _("Follow-up calls"),
            tuple(
                (
                    _moment(c["called_at"]),
                    c["agent"] or "",
                    _label(OUTCOMES, c["outcome"]),
                    c["note"],
                )
                for c in data["follow_up_calls"]
            ),  # fmt: skip
            (_("Date"), _("Agent"), _("Outcome"), _("Note")),
            (2.3, 1.7, 3, 5),
            _("No call."),
        ),
        ExportSection(
            _("Vouchers used"),
            tuple(
                (
                    u["voucher"],
                    _moment(u["used_at"]),
                    u["place"] or "",
                    format_money(Decimal(u["amount"])),
                )
                for u in data["voucher_uses"]
            ),  # fmt: skip
            (_("Voucher"), _("Date"), _("Place"), _("Amount")),
            (3, 2.3, 4.5, 1.5),
            _("No voucher used is known."),
        ),
        ExportSection(
            _("Who accessed these data (last six months)"),
            tuple(
                (
                    _moment(e["at"]),
                    e["agent"] or _("PassDesk"),
                    _label(ACTIONS, e["action"]),
                    e["detail"],
                )
                for e in data["access_log"]
            ),  # fmt: skip
            (_("Date"), _("Agent"), _("Action"), _("Detail")),
            (2.3, 2, 4, 1.5),
        ),
    ]
    texts = {n["version"]: n for n in (consent["notice"], shown["notice"]) if n}
    for version, notice in sorted(texts.items()):
        sections.append(
            ExportSection(
                _("Information notice, version {version} of {date}").format(
                    version=version, date=_day(notice["since"])
                ),
                (),
                text=notice["text"],
            )
        )
    return PersonExportRecord(
        desk=desk_line(session),
        beneficiary_id=b["id"],
        generated_at=datetime.fromisoformat(data["generated_at"]).astimezone(),
        agent_name=agent_name,
        intro=_(
            "Everything this desk's register holds about this person on the day written below "
            "(right of access, article 15 of the GDPR). The booklet codes belong to the stock "
            "register of the vouchers, which is public money's account."
        ),
        sections=tuple(sections),
    )


class PersonExportService(Service):
    def export(self, actor: Actor, beneficiary_id: int, path: str | Path) -> Path:
        """Write the person's data to `path` (.json or .pdf, by its suffix), all or nothing;
        the export is logged with it."""
        require(actor, Action.EXPORT_PERSON)
        target = Path(path)
        kind = target.suffix.lower()
        if kind not in FORMATS:
            raise InvalidInput(
                _("The file name must end in .json or .pdf: {path}").format(path=target),
                field="path",
            )
        now = self._now()
        staged = StagedOutput(target)

        def work(session: Session) -> None:
            person = visible_person(session, beneficiary_id, actor.desk_id)
            if person is None:
                raise _no_one(beneficiary_id)
            check_registered_here(session, person, actor.desk_id)
            access_log.record(session, actor.id, [beneficiary_id], "exported", now, detail=kind[1:])
            data = gather(session, beneficiary_id, now)
            if kind == ".json":
                for handout in data["handouts"]:
                    del handout["_status"]
                content = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
            else:
                pdf = io.BytesIO()
                render_person_export(export_record(data, session, actor.display_name), pdf)
                content = pdf.getvalue()
            _stage(staged, content)
            after_commit(session, staged.publish)

        try:
            self._db.transaction(work)
        except OSError as error:  # the file could not be written: nothing was recorded
            staged.discard()
            raise _write_error(target, error) from error
        except BaseException:
            staged.discard()
            raise
        log.info("agent %s exported the data of beneficiary %s", actor.id, beneficiary_id)
        return target


def _stage(staged: StagedOutput, content: bytes) -> None:
    """Put `content` on the disk under the temporary name, from its start: a unit of work
    replayed after a lost race writes it again rather than after the first attempt's bytes."""
    stream = staged.stream
    if stream.tell():
        stream.seek(0)
        stream.truncate()
    stream.write(content)
    stream.flush()
    os.fsync(stream.fileno())


def _write_error(target: Path, error: OSError) -> PassDeskError:
    """What the reader is told when the file could not be written (StagedOutput's own words
    speak of a PDF; an export may be JSON)."""
    message = _(
        "Could not write the file {path}: {reason}. Nothing was exported: free some space or "
        "choose another place, then export again."
    ).format(path=target, reason=os_reason(error))
    if error.errno in DISK_TROUBLE:
        return EnvironmentProblem(message, field="path")
    return InvalidInput(message, field="path")
