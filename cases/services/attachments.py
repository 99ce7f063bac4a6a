"""Files on a case, and what the citizen adds on the progress lookup.

Every file is judged on its content first (`cases.attachments`: type, size, a readable image),
outside the transaction; then the rows and the stored files are written in one transaction with
the timeline event. A failure while the files are written deletes them again; a file whose
transaction rolls back later (an outer transaction refused) stays in storage without a row.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cases import attachments, events
from cases.choices import CITIZEN_MAY_ADD_STATUSES, AssignmentRole, AttachmentSource
from cases.models import Attachment, Case
from cases.services.guards import active_main, ensure_case_visible, lock_assignments, lock_case
from core import policy
from core.errors import ActionForbidden, InvalidInput, TransitionNotAllowed
from departments.policy import is_center_staff

MAX_NAME = 200
MAX_CITIZEN_TEXT = 2000


def add_attachment(
    case: Case,
    *,
    actor,
    upload,
    from_citizen: bool = False,
    at: datetime.datetime | None = None,
) -> Attachment:
    """An agent, a supervisor or the department holding the case adds a file to it;
    `from_citizen`: the center passes on the citizen's own file (intake channels, Open311)."""
    ensure_case_visible(actor, case)
    if not policy.can(actor, "cases.add_attachment", case):
        raise ActionForbidden(
            _("case %(number)s: only the center or the department holding it can add files")
            % {"number": case.number}
        )
    inspected = attachments.inspect_upload(upload)
    copies = attachments.image_copies(upload, inspected) if inspected.is_image else None
    source = AttachmentSource.CENTER if is_center_staff(actor) else AttachmentSource.DEPARTMENT
    if from_citizen and source == AttachmentSource.CENTER:
        source = AttachmentSource.CITIZEN
    return _store(case, actor=actor, upload=upload, inspected=inspected, copies=copies,
                  source=source, at=at)  # fmt: skip


def add_citizen_information(
    case: Case, *, text: str = "", upload=None, at: datetime.datetime | None = None
) -> Case:
    """The citizen adds a few words or a photo to an open case (the lookup checked who it is)."""
    text = (text or "").strip()
    if not text and upload is None:
        raise InvalidInput(_("Write something or choose a photo or file to send."), field="text")
    if len(text) > MAX_CITIZEN_TEXT:
        message = _("Keep it under %(n)s characters.") % {"n": MAX_CITIZEN_TEXT}
        raise InvalidInput(message, field="text")
    inspected = attachments.inspect_upload(upload) if upload is not None else None
    copies = None
    if inspected is not None and inspected.is_image:
        copies = attachments.image_copies(upload, inspected)
    return _add_from_citizen(case, text=text, upload=upload, inspected=inspected, copies=copies,
                             at=at)  # fmt: skip


@transaction.atomic
def _add_from_citizen(case, *, text, upload, inspected, copies, at) -> Case:
    case = lock_case(case)
    if case.status not in CITIZEN_MAY_ADD_STATUSES:
        raise TransitionNotAllowed(
            _("This request is no longer open; please call the 12345 hotline."),
            code="case_not_open",
        )
    assignment = _department_to_tell(lock_assignments(case))
    attachment = None
    if upload is not None:
        attachment = _save_files(case, actor=None, upload=upload, inspected=inspected,
                                 copies=copies, source=AttachmentSource.CITIZEN,
                                 assignment=assignment, at=at)  # fmt: skip
    events.citizen_information_added(
        case, assignment=assignment, text=text, attachment=attachment, at=at
    )
    return case


def _department_to_tell(assignments: dict):
    """The main assignment holding the case, or (replied, waiting for the callback) the one
    that replied: the department whose timeline and webhook get the citizen's words."""
    holding = active_main(assignments)
    if holding is not None:
        return holding
    mains = [a for a in assignments.values() if a.role == AssignmentRole.MAIN]
    return max(mains, key=lambda a: a.dispatched_at, default=None)


@transaction.atomic
def _store(case, *, actor, upload, inspected, copies, source, at) -> Attachment:
    case = lock_case(case)
    assignment = None
    if source == AttachmentSource.DEPARTMENT:
        held = [a for a in lock_assignments(case).values() if a.is_active]
        assignment = next(
            (a for a in held if policy.can(actor, "cases.handle_assignment", a)), None
        )
        if assignment is None:
            raise TransitionNotAllowed(
                _(
                    "case %(number)s: your department's assignment is finished; "
                    "only the center can add files now"
                )
                % {"number": case.number}
            )
    attachment = _save_files(
        case, actor=actor, upload=upload, inspected=inspected, copies=copies, source=source,
        assignment=assignment, at=at,
    )  # fmt: skip
    events.attachment_added(case, actor=actor, attachment=attachment, at=at)
    return attachment


def _save_files(case, *, actor, upload, inspected, copies, source, assignment, at) -> Attachment:
    if case.attachments.count() >= settings.HOTLINE_ATTACHMENTS_PER_CASE:
        message = _("This case already has %(n)s files, the most it may hold.") % {
            "n": settings.HOTLINE_ATTACHMENTS_PER_CASE
        }
        raise InvalidInput(message, field="file")
    name = (getattr(upload, "name", "") or "file").replace("\\", "/").rsplit("/", 1)[-1]
    attachment = Attachment(
        case=case,
        assignment=assignment,
        name=name[:MAX_NAME],
        content_type=inspected.content_type,
        size=inspected.size,
        source=source,
        uploaded_by=actor,
    )
    if at is not None:
        attachment.uploaded_at = at
    try:
        attachment.file.save(f"upload.{inspected.extension}", upload, save=False)
        if copies is not None:
            attachment.shared_file.save(copies[0].name, copies[0], save=False)
            attachment.thumbnail.save(copies[1].name, copies[1], save=False)
        attachment.save()
    except Exception:
        _delete_files(attachment)  # no row, so no file either
        raise
    return attachment


def _delete_files(attachment: Attachment) -> None:
    for stored in (attachment.file, attachment.shared_file, attachment.thumbnail):
        if stored:
            stored.storage.delete(stored.name)
