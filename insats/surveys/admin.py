"""Administration of surveys and their questions (enkäter och frågor).

Invitations and responses are not registered: invitations carry an enrolment while they wait,
and responses are read only as aggregates on the results page.
"""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Survey, SurveyQuestion


class QuestionInline(admin.TabularInline):
    model = SurveyQuestion
    extra = 1
    fields = ("order", "text", "kind", "options", "required")


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("name", "audience", "active", "valid_days", "question_count",
                    "response_count")
    list_filter = ("audience", "active")
    search_fields = ("name",)
    inlines = [QuestionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            n_questions=Count("questions", distinct=True),
            n_responses=Count("responses", distinct=True),
        )

    @admin.display(description=_("frågor"), ordering="n_questions")
    def question_count(self, obj: Survey) -> int:
        return obj.n_questions

    @admin.display(description=_("svar"), ordering="n_responses")
    def response_count(self, obj: Survey) -> int:
        return obj.n_responses
