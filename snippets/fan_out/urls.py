from django.urls import path

from . import views

urlpatterns = [
    path("async/", views.aggregate_async),
    path("threaded/", views.aggregate_threaded),
    path("sequential/", views.aggregate_sequential),
]
