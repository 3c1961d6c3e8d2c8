"""Fast inserts for the demo's largest tables (answers, case notes, attendance, follow-ups,
summer-job applications): rows go straight to INSERT … VALUES with executemany, without
building a model instance for each. Only for rows nothing else refers to, since no primary
keys come back.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, models
from django.utils import timezone

BATCH = 5000


def insert_rows(model: type[models.Model], rows: Iterable[dict]) -> int:
    """Insert `rows` (dicts keyed by attname, e.g. `enrolment_id`) into `model`'s table.

    Concrete fields a row leaves out get their default (or now() for auto timestamps), so a
    field another app adds to the model later does not break the demo. Returns the row count.
    """
    rows = list(rows)
    if not rows:
        return 0
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    given = set(rows[0])
    prepared = [(f, f.attname in given, _needs_prep(f)) for f in fields]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            params = [
                [_value(row, f, present, prep) for f, present, prep in prepared]
                for row in rows[start : start + BATCH]
            ]
            cursor.executemany(sql, params)
    return len(rows)


def _needs_prep(field: models.Field) -> bool:
    # Dates, integers and text go to the driver as they are; aware datetimes and decimals
    # need the backend's adaptation (SQLite stores naive UTC text).
    return isinstance(field, models.DateTimeField | models.DecimalField)


def _value(row: dict, field: models.Field, present: bool, prep: bool):
    if present:
        value = row[field.attname]
    elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        value = timezone.now()
    elif field.has_default():
        value = field.get_default()
    elif field.null:
        value = None
    else:
        raise ValueError(f"{field.model.__name__}.{field.name} saknar värde i demodata.")
    if prep and value is not None:
        return field.get_db_prep_save(value, connection)
    return value
