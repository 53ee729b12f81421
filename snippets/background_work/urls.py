from django.urls import path

from . import celery_views, fire_and_forget, views

urlpatterns = [
    path("tasks/", views.start_report),
    path("tasks/<uuid:result_id>/", views.report_status),
    path("celery/", celery_views.start_celery_report),
    path("fire-and-forget/", fire_and_forget.fire_and_forget_view),
]
