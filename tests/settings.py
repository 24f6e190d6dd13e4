"""Settings for the test suite: Pontio's own, with a throw-away data folder.

The data folder must be chosen before ``pontio.settings`` is imported, which happens
before any ``conftest.py`` is read; everything else is overridden in conftest.
"""

import os
import tempfile

os.environ["PONTIO_DATA_DIR"] = tempfile.mkdtemp(prefix="pontio-test-")

from pontio.settings import *  # noqa: F403
