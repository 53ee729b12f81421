"""Django 4.1+: an async view reads one row with the QuerySet's async twin, aget()."""
from django.contrib.auth.models import Group
from django.http import Http404, JsonResponse


async def group_detail(request, name):
    try:
        group = await Group.objects.aget(name=name)  # still a sync query in a worker thread, wrapped for you
    except Group.DoesNotExist:
        raise Http404("No such group") from None
    return JsonResponse({"id": group.pk, "name": group.name})
