from django.urls import path

from . import decorated_views, login_views, session_views

urlpatterns = [
    path("login/", login_views.login_view),
    path("logout/", login_views.logout_view),
    path("whoami/", login_views.whoami),
    path("dashboard/", decorated_views.dashboard),
    path("users/", decorated_views.user_admin),
    path("profile/", decorated_views.ProfileView.as_view()),
    path("cart/", session_views.cart),
]
