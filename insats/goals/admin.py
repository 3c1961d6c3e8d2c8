from django.contrib import admin

from .models import BoardGoal, CouncilGoal, GoalIndicator, IndicatorYear


@admin.register(CouncilGoal)
class CouncilGoalAdmin(admin.ModelAdmin):
    list_display = ("title", "municipality", "order")
    list_filter = ("municipality",)


class GoalIndicatorInline(admin.TabularInline):
    model = GoalIndicator
    extra = 0


@admin.register(BoardGoal)
class BoardGoalAdmin(admin.ModelAdmin):
    list_display = ("title", "board", "council_goal", "order")
    list_filter = ("board",)
    inlines = [GoalIndicatorInline]


class IndicatorYearInline(admin.TabularInline):
    model = IndicatorYear
    extra = 0
    fields = ("year", "target_value", "manual_outcome", "outcome_source")


@admin.register(GoalIndicator)
class GoalIndicatorAdmin(admin.ModelAdmin):
    list_display = ("name", "board_goal", "kpi_code", "direction")
    list_filter = ("board_goal__board", "direction")
    inlines = [IndicatorYearInline]
