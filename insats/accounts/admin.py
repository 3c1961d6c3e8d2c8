from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from rest_framework.authtoken.admin import TokenAdmin  # noqa: F401 - registers TokenProxy
from rest_framework.authtoken.models import TokenProxy

from insats.core.admin import ReadOnlyAdmin

from .models import SignInEvent, Tag, User

# DRF's token admin would let an administrator read or create any user's API token and act as
# that user. Tokens are made with `insats api_token` on the server instead.
admin.site.unregister(TokenProxy)


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

    def save_model(self, request, obj, form, change):
        if obj.municipality_id is None:
            # Without a municipality an account sees nothing (insats.core.access): take the
            # unit's, as `insats add_user` and SSO do.
            from insats.organisation.models import Municipality

            obj.municipality = obj.unit.municipality if obj.unit_id else Municipality.default()
        super().save_model(request, obj, form, change)
        if "may_see_protected_identity" in form.changed_data or (
            not change and obj.may_see_protected_identity
        ):
            from insats.privacy.grants import log_all_protected_change

            log_all_protected_change(request, obj, by=request.user)


admin.site.register(Tag)


@admin.register(SignInEvent)
class SignInEventAdmin(ReadOnlyAdmin):
    """Inloggningsloggen, read only (the database refuses changes too: audit/0003)."""

    list_display = ("at", "kind", "username", "ip", "method")
    list_filter = ("kind", "method")
    search_fields = ("username", "ip")
    date_hierarchy = "at"
    readonly_fields = ("at", "kind", "username", "user", "ip", "method", "user_agent")
