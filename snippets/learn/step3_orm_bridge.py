"""Learning path, step 3: the async ORM API, and sync_to_async for a transaction."""
from asgiref.sync import sync_to_async
from django.contrib.auth.models import Group
from django.db import transaction


async def groups_starting_with(prefix: str) -> dict:
    """Async ORM calls (Django 4.1+): no sync_to_async needed."""
    matching = Group.objects.filter(name__startswith=prefix).order_by("name")  # no query yet
    return {
        "count": await matching.acount(),
        "names": [group.name async for group in matching],
    }


@transaction.atomic
def _rename_prefix(old: str, new: str) -> int:
    """All-or-nothing rename; transactions have no async API, so this part stays sync."""
    renamed = 0
    for group in Group.objects.select_for_update().filter(name__startswith=old):
        group.name = new + group.name[len(old):]
        group.save(update_fields=["name"])
        renamed += 1
    return renamed


rename_prefix = sync_to_async(_rename_prefix)  # thread_sensitive=True: the request's one sync thread
