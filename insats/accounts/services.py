"""Creating staff accounts: one function behind the command line, admin and demo data."""

from django.core.exceptions import ValidationError
from django.db import transaction

from insats.organisation.models import Municipality, Unit

from .models import Role, User


@transaction.atomic
def create_user(
    username: str,
    role: str,
    password: str,
    *,
    unit_code: str | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    """Create a user with a role; unit roles must name an existing unit."""
    if role not in Role.values:
        raise ValidationError(f"Okänd roll '{role}'. Giltiga roller: {', '.join(Role.values)}.")
    if User.objects.filter(username=username).exists():
        raise ValidationError(f"Användarnamnet '{username}' finns redan.")
    unit = None
    if unit_code:
        unit = Unit.objects.filter(code=unit_code).first()
        if unit is None:
            raise ValidationError(f"Det finns ingen enhet med koden '{unit_code}'.")
    elif role in (Role.COACH, Role.SAMORDNARE, Role.ENHETSCHEF):
        raise ValidationError(f"Rollen '{role}' kräver en enhet (--unit).")
    user = User(
        username=username,
        role=role,
        unit=unit,
        municipality=unit.municipality if unit else Municipality.default(),
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user
