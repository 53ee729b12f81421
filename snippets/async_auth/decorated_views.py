"""Django's view decorators on async views: HTTP/cache ones since 5.0, auth ones since 5.1,
method_decorator on async methods since 5.2."""
from django.contrib.auth.decorators import login_required, permission_required
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_cookie

LOGIN_URL = "/auth/login/"


@require_GET  # 405 for anything but GET/HEAD
@never_cache
@vary_on_cookie
@login_required(login_url=LOGIN_URL)  # anonymous users are redirected to the login page
async def dashboard(request):
    user = await request.auser()
    return JsonResponse({"hello": user.get_username()})


@permission_required("auth.view_user", login_url=LOGIN_URL, raise_exception=True)  # 403 without it
async def user_admin(request):
    return JsonResponse({"can": "view users"})


class ProfileView(View):
    @method_decorator(never_cache)
    @method_decorator(login_required(login_url=LOGIN_URL))
    async def get(self, request):
        user = await request.auser()
        return JsonResponse({"profile": user.get_username(), "email": user.email})
