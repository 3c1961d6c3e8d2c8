"""Gallringsregler are configuration (editable); retention runs are a read-only record."""

from django.contrib import admin

from insats.core.admin import ReadOnlyAdmin

from .models import RetentionRule, RetentionRun


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    list_display = ("kind", "years_after_closure", "action", "active", "basis", "updated_at")
    list_editable = ("years_after_closure", "active")


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "today", "dry_run", "run_by")
    readonly_fields = ("started_at", "today", "dry_run", "run_by", "report")
