"""Writes of the notifications app outside delivery: editing a template, reading a notice."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import policy
from notifications import catalog
from notifications.models import MessageTemplate, Notification


@transaction.atomic
def update_template(
    key: str, *, actor, text: str, subject: str = "", sms_template_id: str = ""
) -> MessageTemplate:
    """A supervisor rewords one event's message (only its own variables are accepted)."""
    policy.ensure(
        actor,
        "notifications.edit_templates",
        message=str(_("Only the center's supervisors edit the message templates.")),
    )
    text = catalog.check_text(key, text)
    subject = catalog.check_text(key, subject, field="subject") if subject.strip() else ""
    template, _created = MessageTemplate.objects.select_for_update().get_or_create(
        key=key, defaults={"text": text}
    )
    template.text, template.subject = text, subject
    template.sms_template_id, template.updated_by = sms_template_id.strip(), actor
    template.save()
    return template


def mark_read(notice: Notification) -> None:
    """The recipient opened the notice (once: the first time counts)."""
    if notice.read_at is None:
        Notification.objects.filter(pk=notice.pk, read_at=None).update(read_at=timezone.now())
