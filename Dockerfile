# One image for the web process and the Celery worker (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# Pango and fonts for WeasyPrint (document rendering).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && useradd --system --home /app pps && mkdir -p /data/media && chown pps /data/media
USER pps

ENV MEDIA_ROOT=/data/media
EXPOSE 8000
# Workers, threads and an access log without query strings (no NIK in logs): pps_admin/gunicorn_conf.py.
CMD ["gunicorn", "-c", "python:pps_admin.gunicorn_conf", "pps_admin.wsgi:application"]
