import os

from django.core.wsgi import get_wsgi_application

from config.web_process import web_process_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
web_process_ready()
