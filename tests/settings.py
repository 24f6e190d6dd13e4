"""Settings for the test suite: Pontio's own, with a throw-away data folder.

The data folder must be chosen before ``pontio.settings`` is imported, which happens
before any ``conftest.py`` is read; everything else is overridden in conftest.
"""

import os
import tempfile

os.environ["PONTIO_DATA_DIR"] = tempfile.mkdtemp(prefix="pontio-test-")

from pontio.settings import *  # noqa: F403

# Pages render from the source static folders: no collectstatic manifest in tests.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A fast hasher keeps the suite quick; the production hasher is Argon2id.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 (WhiteNoise expects it)
