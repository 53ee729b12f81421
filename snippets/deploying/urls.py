from django.urls import path

from .streaming_view import ticks

urlpatterns = [path("ticks/", ticks)]
