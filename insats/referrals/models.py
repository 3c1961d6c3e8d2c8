"""Referrals (remiss / anvisning / uppdrag) and their allocation to a coach."""

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from insats.core.security.uploads import JPEG, PDF, PNG, FileValidator

# The file types a referral's attachments (bilagor) may have, recognised by their content.
ATTACHMENT_TYPES = (PDF, PNG, JPEG)
ATTACHMENT_DIR = "remissbilagor"
TYPE_LABELS = {"application/pdf": PDF.name, "image/png": PNG.name, "image/jpeg": JPEG.name}


@deconstructible
class AttachmentValidator(FileValidator):
    """FileValidator for attachments: PDF, PNG or JPEG, at most INSATS_UPLOAD_MAX_BYTES.

    A class of its own so that migrations refer to it by name (the file types themselves
    are not serialisable)."""

    def __init__(self) -> None:
        super().__init__(allowed=ATTACHMENT_TYPES)


class Referral(models.Model):
    """A referral from an uppdragsgivare to a unit; allocating it starts an enrolment."""

    class Status(models.TextChoices):
        SENT = "sent", _("Inkommen")
        ALLOCATED = "allocated", _("Fördelad")
        REJECTED = "rejected", _("Avvisad")

    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name=_("mottagande enhet"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    person = models.ForeignKey(
        "persons.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("remittent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sent_referrals",
    )
    referral_source = models.ForeignKey(
        "codes.ReferralSource", verbose_name=_("uppdragsgivare"), on_delete=models.PROTECT
    )
    income_source = models.ForeignKey(
        "codes.IncomeSource",
        verbose_name=_("försörjning"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    # The person as the sender entered them. A referrer sees these, never the person record
    # the referral was matched to (see insats.core.access.referral_person).
    referred_personnummer = models.CharField(_("angivet personnummer"), max_length=12,
                                             blank=True)
    referred_first_name = models.CharField(_("angivet förnamn"), max_length=100, blank=True)
    referred_last_name = models.CharField(_("angivet efternamn"), max_length=100, blank=True)
    referred_birth_date = models.DateField(_("angivet födelsedatum"), null=True, blank=True)
    reason = models.TextField(_("anledning och uppdrag"))
    attachments_description = models.TextField(_("bilagor"), blank=True)
    wanted_tags = models.ManyToManyField(
        "accounts.Tag", verbose_name=_("önskat språk / kompetens"), blank=True
    )
    received_date = models.DateField(_("inkom"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SENT
    )
    allocated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("fördelad till"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocated_referrals",
    )
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    allocated_at = models.DateTimeField(null=True, blank=True)
    suggested_coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    override_reason = models.TextField(_("skäl till avsteg från förslaget"), blank=True)
    rejection_reason = models.TextField(_("skäl till avvisning"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("remiss")
        verbose_name_plural = _("remisser")
        ordering = ["received_date", "pk"]
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return f"{_('Remiss')} {self.pk}"


class ReferralAttachment(models.Model):
    """A file sent with a referral (bilaga), e.g. a medical certificate or an assessment.

    The file is stored under MEDIA_ROOT with a random name (`ATTACHMENT_DIR/<random>.<type>`):
    the name the sender gave it is kept only as `original_name`, shown to users and used when
    the file is downloaded. The content type is the one sniffed from the file's first bytes.
    Files are written and removed by `insats.referrals.services` only."""

    referral = models.ForeignKey(
        Referral,
        verbose_name=_("remiss"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(
        _("fil"),
        max_length=200,
        validators=[AttachmentValidator()],
    )
    original_name = models.CharField(_("filnamn"), max_length=200)
    content_type = models.CharField(_("filtyp"), max_length=100)
    size = models.PositiveBigIntegerField(_("storlek (byte)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bifogad av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("bifogad"), auto_now_add=True)

    class Meta:
        verbose_name = _("bilaga till remiss")
        verbose_name_plural = _("bilagor till remisser")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def type_label(self) -> str:
        """The file type as users know it (PDF, PNG, JPEG)."""
        return TYPE_LABELS.get(self.content_type, self.content_type)


@receiver(post_delete, sender=ReferralAttachment)
def _remove_attachment_file(sender, instance: ReferralAttachment, **kwargs) -> None:
    """Whenever an attachment row goes (retention, a deleted referral), its file goes too, once
    the deletion is committed: a rolled-back deletion (a dry run) keeps the file."""
    name = instance.file.name
    if name:
        transaction.on_commit(lambda: default_storage.delete(name), using=kwargs.get("using"))


class AllocationRoutineChange(models.Model):
    """One saved version of a unit's allocation routine (fördelningsrutin): who, when, what.

    `Unit.allocation_routine` holds the current text; this is its history."""

    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name=_("enhet"),
        on_delete=models.CASCADE,
        related_name="routine_changes",
    )
    text = models.TextField(_("fördelningsrutin"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ändrad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("ändrad"), auto_now_add=True)

    class Meta:
        verbose_name = _("ändring av fördelningsrutin")
        verbose_name_plural = _("ändringar av fördelningsrutin")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.unit} {self.changed_at:%Y-%m-%d %H:%M}"
