"""gunicorn settings for production (Dockerfile, docker-compose.yml and the tests that start a real server):
`gunicorn -c python:pps_admin.gunicorn_conf pps_admin.wsgi`. Command-line options override these.

- gthread workers (issue #14, item 6): a sync worker is held by one connection for as long as its client
  takes to send a request, so five slow clients froze three sync workers. nginx in front
  (pps_admin/deploy/nginx.conf.template) buffers whole requests, and threads keep a worker answering while a
  slow request or upload is still being read.
- Access log without query strings or referers (issue #14, item 3): a NIK typed into a staff search is in
  the URL; the logger class below also masks 16-digit runs in paths and cleans the error log.
"""

import os

from gunicorn.glogging import Logger

from pps_admin.log_redaction import RedactPersonalData

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
keepalive = 5
# No runtime control socket (gunicornc): it would live in $HOME, which the image's user cannot write, and
# gunicorns side by side (the tests) would share its path.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
# Not %(r)s (request line with query), %(q)s (query) or %(f)s (referer: the URL of the previous page,
# e.g. a search). %(U)s is the path alone; the client as nginx saw it is in X-Forwarded-For.
access_log_format = '%(h)s "%({x-forwarded-for}i)s" %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'


class RedactingLogger(Logger):
    """gunicorn's logger with the project's redaction on the access log (a NIK in a path such as
    /admin/secretariat/person/<NIK>/ is masked) and on the error log ("Error handling request <uri>" and
    "Invalid request" lines name the URI with its query). gunicorn logs straight to these two loggers, so
    a filter on each sees every line."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactPersonalData) for f in log.filters):
                log.addFilter(RedactPersonalData())


logger_class = RedactingLogger
