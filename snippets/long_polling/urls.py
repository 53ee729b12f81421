from django.urls import path

from snippets.long_polling import redis_views, views

urlpatterns = [
    path("poll/", views.poll),
    path("publish/", views.publish),
    path("redis/poll/", redis_views.poll),
    path("redis/publish/", redis_views.publish),
]
