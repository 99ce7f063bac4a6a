"""A case's files on its page: add one, download one, its thumbnail (all through the policy).

Files are never served from a public media address: these views find the file through the
scoped selector (404 for another department's case and for a confidential reporter's files)
and stream it from the storage. Departments get the copy of an image without its EXIF data.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases import services
from cases.forms import AttachmentForm
from cases.models import Attachment
from cases.privacy import no_store
from cases.selectors import get_attachment_for
from cases.views.detail import add_domain_error, case_for, render_case
from core import policy
from core.errors import ApplicationError, NotFound


def file_for(attachment: Attachment, user, *, thumbnail: bool = False):
    """The stored file this viewer gets: the thumbnail, the original (the center) or the copy
    without EXIF (everyone else, for images)."""
    if thumbnail:
        return attachment.thumbnail or None
    if attachment.shared_file and not policy.can(user, "cases.download_original", attachment):
        return attachment.shared_file
    return attachment.file


def file_response(attachment: Attachment, stored, *, thumbnail: bool = False) -> FileResponse:
    """The file as a download that no browser or proxy keeps, typed by its checked content."""
    if not stored:
        raise NotFound(_("attachment %(id)s has no such file") % {"id": attachment.pk})
    content_type = "image/jpeg" if thumbnail else attachment.content_type
    response = FileResponse(
        stored.open("rb"),
        as_attachment=not thumbnail,
        filename=attachment.name,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return no_store(response)


def _download(request, number: str, pk: int, *, thumbnail: bool):
    try:
        attachment = get_attachment_for(request.user, number, pk)
        stored = file_for(attachment, request.user, thumbnail=thumbnail)
        return file_response(attachment, stored, thumbnail=thumbnail)
    except NotFound as error:
        raise Http404(str(error)) from error


@login_required
@require_GET
def download_attachment(request, number: str, pk: int):
    """One file of a case the viewer sees (404 for what is not theirs)."""
    return _download(request, number, pk, thumbnail=False)


@login_required
@require_GET
def attachment_thumbnail(request, number: str, pk: int):
    """The small preview of an image (404 for documents and for what is not the viewer's)."""
    return _download(request, number, pk, thumbnail=True)


@login_required
@require_POST
def upload_attachment(request, number: str):
    """Add a file to the case from its page (the center, or the department holding it)."""
    case = case_for(request.user, number)
    if not policy.can(request.user, "cases.add_attachment", case):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_case(request, case, attach_form=form, status=400)
    try:
        services.add_attachment(case, actor=request.user, upload=form.cleaned_data["file"])
    except ApplicationError as error:
        add_domain_error(form, error)
        return render_case(request, case, attach_form=form, status=error.status_code)
    messages.success(request, _("File added."))
    return redirect("cases:detail", number=case.number)
