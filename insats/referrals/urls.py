from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("ny/", views.create, name="create"),
    path("mina/", views.mine, name="mine"),
    path("rutin/", views.routine, name="routine"),
    path("<int:pk>/fordela/", views.allocate, name="allocate"),
    path("<int:pk>/avvisa/", views.reject, name="reject"),
]
