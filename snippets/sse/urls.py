from django.urls import path

from snippets.sse import views

urlpatterns = [
    path("events/", views.events),
]
