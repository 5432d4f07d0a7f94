import pytest
from django.contrib.auth import get_user_model


@pytest.fixture
def staff_user(db):
    """KPU staff: a superuser of the admin."""
    return get_user_model().objects.create_superuser("staf", "staf@kpu.test", "sandi-staf-123")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def viewer_user(db):
    """Staff who may only look at the roster (view permissions)."""
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user("pengamat", password="sandi-pengamat-123", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="secretariat", codename__startswith="view_")
    )
    return user
