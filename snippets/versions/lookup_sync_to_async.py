"""Django 3.1-4.0: an async view reads one row by handing the ORM call to sync_to_async."""
from asgiref.sync import sync_to_async
from django.contrib.auth.models import Group
from django.http import Http404, JsonResponse


async def group_detail(request, name):
    try:
        # Group.objects.get is sync ORM code: it runs in sync_to_async's worker thread.
        group = await sync_to_async(Group.objects.get)(name=name)
    except Group.DoesNotExist:
        raise Http404("No such group") from None
    return JsonResponse({"id": group.pk, "name": group.name})
