"""Administration of the measures catalogue (insatsmatris) and providers (anordnare).

Placements and attendance are personal data and are handled on the case pages, not here.
"""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Measure, Provider


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ("name", "kind")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "category", "provider", "capacity", "free_places_today",
                    "unit_cost_sek", "active")
    list_filter = ("active", "category", "provider__kind")
    search_fields = ("code", "name", "description", "target_groups")
    autocomplete_fields = ("provider",)
    fieldsets = (
        (None, {"fields": ("code", "name", "category", "active")}),
        (_("Innehåll"), {"fields": ("description", "target_groups", "responsible_profession")}),
        (_("Anordnare och platser"),
         {"fields": ("provider", "unit", "capacity", "unit_cost_sek")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).with_free_places(timezone.localdate())

    @admin.display(description=_("lediga i dag"), ordering="free_places")
    def free_places_today(self, obj: Measure):
        return obj.free_places
