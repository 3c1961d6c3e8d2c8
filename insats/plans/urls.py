from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("ny/<int:enrolment_pk>/", views.create, name="create"),
    path("<int:pk>/andra/", views.edit, name="edit"),
    path("<int:plan_pk>/mal/nytt/", views.goal_add, name="goal_add"),
    path("mal/<int:pk>/andra/", views.goal_edit, name="goal_edit"),
    path("mal/<int:pk>/uppnatt/", views.goal_achieved, name="goal_achieved"),
    path("<int:plan_pk>/uppfoljning/ny/", views.followup_add, name="followup_add"),
]
