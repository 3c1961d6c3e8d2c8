from django.contrib import admin

from . import models

for model in (
    models.ClosureReason,
    models.ReferralSource,
    models.IncomeSource,
    models.MeasureCategory,
    models.FollowupStatus,
    models.YouthStatus,
):
    admin.site.register(model)
