"""Staff accounts and their roles (roller)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COACH = "coach", _("Arbetsmarknadskonsulent")
    SAMORDNARE = "samordnare", _("Samordnare")
    REMITTENT = "remittent", _("Remittent / uppdragsgivare")
    ENHETSCHEF = "enhetschef", _("Enhetschef")
    CONTROLLER = "controller", _("Controller / analytiker")
    ADMIN = "admin", _("Systemadministratör")


class Tag(models.Model):
    """A language or competence a coach has, matched against a referral's needs."""

    class Kind(models.TextChoices):
        LANGUAGE = "language", _("Språk")
        COMPETENCE = "competence", _("Kompetens")

    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("namn"), max_length=80)

    class Meta:
        verbose_name = _("språk/kompetens")
        verbose_name_plural = _("språk och kompetenser")
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="tag_kind_name_uniq")]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A member of staff, or a referrer at another unit, who signs in to Insats."""

    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name=_("enhet"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    municipality = models.ForeignKey(
        "organisation.Municipality",
        verbose_name=_("kommun"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    referral_source = models.ForeignKey(
        "codes.ReferralSource",
        verbose_name=_("uppdragsgivare"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("För remittenter: vilken verksamhet de remitterar från."),
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("språk och kompetenser"), blank=True)
    may_see_protected_identity = models.BooleanField(
        _("behörig till skyddade personuppgifter"), default=False
    )

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def has_role(self, *roles: str) -> bool:
        return self.is_authenticated and self.role in roles


class ProtectedIdentityGrant(models.Model):
    """Behörighet till en person med skyddad identitet: one user may see one protected person.

    `User.may_see_protected_identity` grants every protected person (for the few staff who handle
    them all); a grant names exactly one person, for the coach who works with that person.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="protected_grants", verbose_name=_("användare")
    )
    person = models.ForeignKey(
        "persons.Person",
        on_delete=models.CASCADE,
        related_name="protected_grants",
        verbose_name=_("person"),
    )
    granted_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beviljad av"),
    )
    granted_at = models.DateTimeField(_("beviljad"), auto_now_add=True)
    reason = models.CharField(_("skäl"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("behörighet till skyddad identitet")
        verbose_name_plural = _("behörigheter till skyddad identitet")
        constraints = [
            models.UniqueConstraint(fields=["user", "person"], name="protected_grant_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.person_id}"


class SignInEvent(models.Model):
    """Inloggningslogg: every sign-in, failed attempt, lock-out and sign-out.

    Failures keep the username as typed (there may be no such user) and never the password.
    """

    class Kind(models.TextChoices):
        SUCCESS = "success", _("Inloggad")
        FAILURE = "failure", _("Misslyckad inloggning")
        LOCKED = "locked", _("Spärrad (för många försök)")
        OTP_FAILURE = "otp_failure", _("Fel engångskod")
        LOGOUT = "logout", _("Utloggad")
        EXPIRED = "expired", _("Utloggad efter inaktivitet")

    at = models.DateTimeField(_("tidpunkt"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("händelse"), max_length=20, choices=Kind.choices)
    username = models.CharField(_("användarnamn"), max_length=150, db_index=True)
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="sign_in_events"
    )
    ip = models.GenericIPAddressField(_("IP-adress"), null=True, blank=True)
    method = models.CharField(_("metod"), max_length=20, blank=True)
    user_agent = models.CharField(_("webbläsare"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("inloggningshändelse")
        verbose_name_plural = _("inloggningshändelser")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["username", "ip", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.kind}"
