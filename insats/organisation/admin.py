from django.contrib import admin

from .models import Administration, Board, Municipality, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "municipality", "administration")
    search_fields = ("code", "name")


admin.site.register(Municipality)
admin.site.register(Board)
admin.site.register(Administration)
