from django.urls import path

from . import views

app_name = "persons"

urlpatterns = [
    path("", views.search, name="search"),
    path("ny/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/andra/", views.edit, name="edit"),
]
