from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("underlag/<slug:code>/", views.drilldown, name="drilldown"),
    path("kostnad/", views.cost, name="cost"),
    path("kostnad/excel/", views.cost_excel, name="cost_excel"),
    path("kostnad/budget/", views.budget, name="budget"),
    path("datakvalitet/", views.data_quality, name="data_quality"),
    path("datakvalitet/<slug:code>/", views.data_quality_rule, name="data_quality_rule"),
]
