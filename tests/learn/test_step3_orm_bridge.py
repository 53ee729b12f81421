"""Step 3: async ORM reads and a transaction through sync_to_async."""
import pytest

import snippets.learn.step3_orm_bridge as step3_orm_bridge


@pytest.mark.django_db(transaction=True)
async def test_step3_async_orm_and_transaction_through_sync_to_async():
    from django.contrib.auth.models import Group

    for name in ("team-b", "team-a", "other"):
        await Group.objects.acreate(name=name)
    assert await step3_orm_bridge.groups_starting_with("team-") == {"count": 2, "names": ["team-a", "team-b"]}

    assert await step3_orm_bridge.rename_prefix("team-", "crew-") == 2
    assert await step3_orm_bridge.groups_starting_with("crew-") == {"count": 2, "names": ["crew-a", "crew-b"]}
    assert await Group.objects.filter(name="other").aexists()
