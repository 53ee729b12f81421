"""Async middleware, decorators, login flow and sessions, driven in-process with AsyncClient
(and the sync Client for the middleware's sync mode), against pytest-django's test database."""
import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model

from snippets.async_auth import decorated_views, email_backend, login_views, session_views, timing_middleware

TIMING = "snippets.async_auth.timing_middleware.TimingMiddleware"
LOGIN = "/auth/login/"


@pytest.fixture
def with_timing(settings):
    settings.MIDDLEWARE = [TIMING, *settings.MIDDLEWARE]


async def make_user(username="ada", password="s3cret-pass!", **extra):
    # acreate_user() is 5.2+; the page's range starts at 5.0, so the tests' own setup uses the sync one.
    create = get_user_model().objects.create_user
    return await sync_to_async(create)(username, password=password, **extra)


async def test_middleware_runs_async_under_the_asgi_handler(with_timing, async_client):
    response = await async_client.get("/hello/")
    assert response.status_code == 200
    assert response["X-Middleware-Mode"] == "async"
    assert response["Server-Timing"].startswith("app;dur=")
    assert timing_middleware.TimingMiddleware.async_capable


def test_middleware_runs_sync_under_the_wsgi_handler(with_timing, client):
    response = client.get("/hello/")
    assert response.status_code == 200
    assert response["X-Middleware-Mode"] == "sync"


@pytest.mark.django_db(transaction=True)
async def test_login_flow_with_alogin_and_auser(async_client):
    await make_user()
    assert (await async_client.get("/auth/whoami/")).status_code == 401

    wrong = await async_client.post(LOGIN, {"username": "ada", "password": "nope"}, content_type="application/json")
    assert wrong.status_code == 401
    assert wrong.json() == {"error": "wrong username or password"}
    malformed = await async_client.post(LOGIN, "not json", content_type="application/json")
    assert malformed.status_code == 400

    ok = await async_client.post(LOGIN, {"username": "ada", "password": "s3cret-pass!"},
                                 content_type="application/json")
    assert ok.status_code == 200 and ok.json() == {"logged_in": "ada"}
    assert (await async_client.get("/auth/whoami/")).json() == {"username": "ada"}

    assert (await async_client.post("/auth/logout/")).json() == {"logged_in": None}
    assert (await async_client.get("/auth/whoami/")).status_code == 401
    assert login_views.login_view and login_views.logout_view


@pytest.mark.since("5.2")  # the page's "Decorators on async views (5.0, 5.1, 5.2)": method_decorator is 5.2
@pytest.mark.django_db(transaction=True)
async def test_decorated_async_views(async_client):
    anonymous = await async_client.get("/auth/dashboard/")
    assert anonymous.status_code == 302
    assert anonymous["Location"] == f"{LOGIN}?next=/auth/dashboard/"
    assert (await async_client.get("/auth/profile/"))["Location"].startswith(LOGIN)

    user = await make_user(email="ada@example.com")
    await async_client.aforce_login(user)
    dashboard = await async_client.get("/auth/dashboard/")
    assert dashboard.json() == {"hello": "ada"}
    assert "no-cache" in dashboard["Cache-Control"]  # never_cache
    assert "Cookie" in dashboard["Vary"]  # vary_on_cookie
    assert (await async_client.post("/auth/dashboard/")).status_code == 405  # require_GET

    profile = await async_client.get("/auth/profile/")  # method_decorator on an async method
    assert profile.json() == {"profile": "ada", "email": "ada@example.com"}

    assert (await async_client.get("/auth/users/")).status_code == 403  # permission_required
    admin = await make_user("root", is_superuser=True)
    await async_client.aforce_login(admin)
    assert (await async_client.get("/auth/users/")).json() == {"can": "view users"}
    assert decorated_views.ProfileView


@pytest.mark.since("5.1")  # the page's "Session reads and writes (5.1+)"
@pytest.mark.django_db(transaction=True)
async def test_session_cart_with_async_session_methods(async_client):
    assert (await async_client.get("/auth/cart/")).json() == {"cart": []}
    for item in ("tea", "scones"):
        response = await async_client.post("/auth/cart/", {"item": item}, content_type="application/json")
    assert response.json() == {"cart": ["tea", "scones"]}
    # A new request reads what the session stored (the cookie is sent back by the client).
    assert (await async_client.get("/auth/cart/")).json() == {"cart": ["tea", "scones"]}
    session = await async_client.asession()
    assert await session.aget("cart") == ["tea", "scones"]
    assert (await async_client.delete("/auth/cart/")).json() == {"cart": []}
    assert (await async_client.put("/auth/cart/")).status_code == 405
    assert session_views.cart


@pytest.mark.since("5.2")  # the page's "An auth backend with an async path (5.2+)"
@pytest.mark.django_db(transaction=True)
async def test_async_auth_backend_signs_in_by_email(settings):
    from django.contrib.auth import aauthenticate

    settings.AUTHENTICATION_BACKENDS = ["snippets.async_auth.email_backend.EmailBackend"]
    await make_user("grace", email="grace@example.com", password="hopper-1906")
    user = await aauthenticate(None, username="GRACE@example.com", password="hopper-1906")
    assert user is not None and user.get_username() == "grace"
    assert await aauthenticate(None, username="grace@example.com", password="wrong") is None
    assert await aauthenticate(None, username="nobody@example.com", password="x") is None
    # The sync path gives the same answers (used by sync views and the admin).
    backend = email_backend.EmailBackend()
    from asgiref.sync import sync_to_async
    assert (await sync_to_async(backend.authenticate)(None, username="grace@example.com",
                                                      password="hopper-1906")).pk == user.pk


def test_demo_urls_route_to_the_snippet_views():
    from django.urls import resolve

    assert resolve("/auth/login/").func.__module__ == "snippets.async_auth.login_views"
    assert resolve("/auth/cart/").func.__module__ == "snippets.async_auth.session_views"
    assert resolve("/auth/dashboard/").route == "auth/dashboard/"
    import snippets.async_auth.urls as auth_urls
    assert len(auth_urls.urlpatterns) == 7
