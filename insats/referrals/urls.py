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
    path("<int:pk>/bilagor/", views.add_attachments, name="add_attachments"),
    path("bilagor/<int:pk>/", views.download_attachment, name="attachment"),
]
