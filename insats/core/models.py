"""Shared records that belong to no single domain area."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class FormSubmission(models.Model):
    """A form that has been submitted successfully, keyed by the one-time token it carried.

    Every POST form rendered with ``{% csrf_token %}`` carries a fresh token
    (``insats.core.submit_once``). The first successful submit records it in the same
    transaction as the view's writes; a second submit of the same form (double click, browser
    back and resend, a retry after a timeout) finds the token and writes nothing.
    """

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    path = models.CharField(max_length=500)
    location = models.CharField(max_length=1000, help_text="Where the first submit led.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
