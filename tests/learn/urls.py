"""The learning path's URLs mounted as the demo project mounts them, independent of other use cases."""
from django.urls import include, path

urlpatterns = [path("learn/", include("snippets.learn.urls"))]
