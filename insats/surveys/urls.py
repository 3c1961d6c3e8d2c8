from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    # Public, no sign-in: the participant's or employer's answer pages.
    path("enkat/", views.public_start, name="public_start"),
    path("enkat/tack/", views.public_thanks, name="public_thanks"),
    path("enkat/<str:token>/", views.public, name="public"),
    # Staff.
    path("enkater/resultat/", views.results, name="results"),
    path("enkater/arbetsgivare/", views.employer, name="employer"),
    path("enkater/inskrivning/<int:pk>/erbjud/", views.offer, name="offer"),
    path("enkater/inskrivning/<int:pk>/lapp/", views.slip, name="slip"),
]
