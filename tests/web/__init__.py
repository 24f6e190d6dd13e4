from django.conf import settings


def require_static_build() -> None:
    """Fail clearly when the static files are not built (`make install` does it)."""
    built = settings.STATICFILES_DIRS[0] / "pontio.css"
    assert built.exists(), "run `npm run build` in pontio/web/frontend first"
