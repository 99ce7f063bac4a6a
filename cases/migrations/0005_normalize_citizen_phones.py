"""Store every citizen phone number in its normalized form (core.phones), so that the caller
history, the duplicate hints and the phone filter find a caller however the number was typed.

A stored value that is no phone number at all is left as it was: the data is the citizen's and
an agent may still read it. Reversing keeps the normalized numbers (they are valid input).
"""

from django.core.exceptions import ValidationError
from django.db import migrations

from core.phones import normalize_phone

BATCH = 1000


def normalize_stored_phones(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    changed = []
    stored = Case.objects.exclude(citizen_phone="").values_list("pk", "citizen_phone")
    for pk, phone in stored.iterator(chunk_size=BATCH):
        try:
            normalized = normalize_phone(phone)
        except ValidationError:
            continue
        if normalized != phone:
            changed.append(Case(pk=pk, citizen_phone=normalized))
        if len(changed) >= BATCH:
            Case.objects.bulk_update(changed, ["citizen_phone"])
            changed = []
    Case.objects.bulk_update(changed, ["citizen_phone"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_case_status_replied_index"),
    ]

    operations = [
        migrations.RunPython(normalize_stored_phones, migrations.RunPython.noop, elidable=True),
    ]
