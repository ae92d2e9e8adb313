import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "langso.settings")
application = get_wsgi_application()

# The app's own objects (settings, models, URL patterns, templates' machinery) live as long as the
# process: moved out of the garbage collector's sight, its full collections no longer walk them on
# every request that allocates much. Measured on a phone's batch of 100 visits: 18 ms of 80 ms of
# CPU went to those walks (bench/README.md, "Sync ingestion").
get_resolver().url_patterns  # noqa: B018 - load the URL patterns (and the views) now, to freeze them too
gc.collect()
gc.freeze()
