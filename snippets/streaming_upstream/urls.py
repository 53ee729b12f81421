from django.urls import path

from snippets.streaming_upstream import views

urlpatterns = [
    path("tokens/", views.relay_tokens),
]
