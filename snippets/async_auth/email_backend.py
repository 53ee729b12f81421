"""An auth backend with an async path (Django 5.2+): aauthenticate() avoids a sync_to_async hop when
views call django.contrib.auth.aauthenticate(). Users sign in with their email address."""
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = get_user_model().objects.filter(email__iexact=username).first()
        if user is None:
            get_user_model()().set_password(password)  # spend the hashing time anyway (timing attacks)
        elif user and user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    async def aauthenticate(self, request, username=None, password=None, **kwargs):
        user = await get_user_model().objects.filter(email__iexact=username).afirst()
        if user is None:
            # hashing is slow on purpose: in a thread, so the event loop keeps serving other requests
            await sync_to_async(get_user_model()().set_password)(password)
        elif user and await user.acheck_password(password) and self.user_can_authenticate(user):
            return user
        return None
