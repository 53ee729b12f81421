from django.urls import path

from . import views

urlpatterns = [
    path("stock/", views.stock),
    path("sync/", views.sync_aggregate),
    path("async-blocking/", views.async_aggregate_blocking),
    path("async/", views.async_aggregate),
    path("direct/", views.direct_aggregate),
    path("async-direct/", views.async_direct_aggregate),
]
