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


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (Playwright cannot download its own browsers here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def plain_static_storage(settings):
    """The live server serves static files from the finders, which know no hashed manifest names."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def page(chromium, plain_static_storage):
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def artifacts_dir():
    """Screenshots for people to look at (ignored by git)."""
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path
