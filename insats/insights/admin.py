"""Administration of budgets per measure and year (aggregated money, no personal data)."""

from django.contrib import admin

from .models import MeasureBudget


@admin.register(MeasureBudget)
class MeasureBudgetAdmin(admin.ModelAdmin):
    list_display = ("measure", "year", "amount_sek", "updated_at", "updated_by")
    list_filter = ("year", "measure__category")
    search_fields = ("measure__code", "measure__name")
    autocomplete_fields = ("measure",)
    readonly_fields = ("updated_at", "updated_by")

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
