from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Tag, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "unit", "is_active")
    list_filter = ("role", "unit", "is_active")
    fieldsets = BaseUserAdmin.fieldsets + (
        (
            "Insats",
            {
                "fields": (
                    "role",
                    "municipality",
                    "unit",
                    "referral_source",
                    "tags",
                    "may_see_protected_identity",
                )
            },
        ),
    )


admin.site.register(Tag)
