"""Administration of kartläggning instruments: questions, answer options and scoring bands.

Django's admin cannot nest inlines, so answer options are edited on each question's page
(linked from the instrument's question list).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services
from .models import AnswerOption, Instrument, Question, ScoringBand


class ScoringBandFormSet(BaseInlineFormSet):
    """Refuses bands that overlap, counting the rows being added and ignoring deleted ones."""

    def clean(self):
        super().clean()
        bands = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            if data.get("min_score") is None or data.get("max_score") is None:
                continue
            bands.append(services.Band(data["min_score"], data["max_score"],
                                       data.get("need_category", "")))
        try:
            services.validate_bands(bands)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc


class ScoringBandInline(admin.TabularInline):
    model = ScoringBand
    formset = ScoringBandFormSet
    extra = 0
    verbose_name = gettext_lazy("poänggräns")


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ("order", "text", "help_text")
    show_change_link = True


class AnswerOptionInline(admin.TabularInline):
    model = AnswerOption
    extra = 0
    fields = ("order", "label", "score")


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ("name", "active")
    list_filter = ("active",)
    inlines = [QuestionInline, ScoringBandInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        instrument = form.instance
        for low, high in services.coverage_gaps(instrument):
            messages.warning(
                request,
                _("Ingen poänggräns täcker totalpoängen %(low)s–%(high)s; en kartläggning med "
                  "den summan kan inte sparas.") % {"low": low, "high": high},
            )
        if instrument.questions.filter(options__isnull=True).exists():
            messages.warning(request, _("Några frågor saknar svarsalternativ."))


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("text", "instrument", "order")
    list_filter = ("instrument",)
    inlines = [AnswerOptionInline]
