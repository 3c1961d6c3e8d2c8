"""Accounts from single sign-on: role from the identity provider's groups, unit from a claim.

One function, `provision`, is used by both the OpenID Connect and the SAML backend, so the two
ways in give the same account for the same person. The identity provider is the source of truth:
role and unit are updated at every sign-in. A user whose groups map to no role is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from insats.organisation.models import Municipality, Unit

from .models import Role, User

UNIT_ROLES = (Role.COACH, Role.SAMORDNARE, Role.ENHETSCHEF)


class SSORefused(Exception):
    """The identity provider vouched for the person, but Insats has no role or unit for them."""


@dataclass(frozen=True)
class Identity:
    username: str
    groups: tuple[str, ...]
    unit_code: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""


def role_for_groups(groups: Iterable[str], role_map: dict[str, str] | None = None) -> str | None:
    """The role of the first group in INSATS_SSO_ROLE_MAP that the user is a member of."""
    role_map = settings.INSATS_SSO_ROLE_MAP if role_map is None else role_map
    member_of = set(groups)
    for group, role in role_map.items():
        if group in member_of:
            return role
    return None


def as_list(value) -> list[str]:
    """Claims and SAML attributes come as a string, a list or nothing."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


@transaction.atomic
def provision(identity: Identity) -> User:
    """Create or update the user for a signed-in identity; raise SSORefused when not allowed."""
    if not identity.username:
        raise SSORefused("Identitetsleverantören skickade inget användarnamn.")
    role = role_for_groups(identity.groups)
    if role is None:
        raise SSORefused(f"Användaren {identity.username} är inte med i någon grupp med en roll.")
    unit = None
    if identity.unit_code:
        unit = Unit.objects.select_related("municipality").filter(code=identity.unit_code).first()
    if role in UNIT_ROLES and unit is None:
        raise SSORefused(
            f"Rollen {role} kräver en enhet, men enhetskoden '{identity.unit_code}' finns inte."
        )
    user = User.objects.filter(username=identity.username).first()
    if user is None:
        user = User(username=identity.username)
        user.set_unusable_password()
    user.role = role
    user.unit = unit if role in UNIT_ROLES else None
    user.municipality = unit.municipality if unit else (user.municipality or Municipality.default())
    user.is_staff = user.is_superuser = role == Role.ADMIN
    for field in ("email", "first_name", "last_name"):
        value = getattr(identity, field)
        if value:
            setattr(user, field, value)
    user.save()
    return user
