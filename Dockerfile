# One image for the web process and the Celery worker (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# Pango, HarfBuzz's font subsetter and fonts for WeasyPrint (document rendering); poppler-utils and
# zbar-tools for the pact scan upload (pdftoppm, zbarimg). The Makefile's RUN_DEBS. libstdc++6 for
# zxing-cpp's wheel (the QR codes), which links the C++ runtime of the system.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
       fonts-dejavu-core poppler-utils zbar-tools libstdc++6 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Exactly the lock: every package pinned and checked against its hash (requirements.in says why each is there).
COPY requirements.txt .
RUN pip install --require-hashes -r requirements.txt
COPY . .
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && useradd --system --home /app pps && mkdir -p /data/media && chown pps /data/media
USER pps

ENV MEDIA_ROOT=/data/media
EXPOSE 8000
# Workers, threads and an access log without query strings (no NIK in logs): pps_admin/gunicorn_conf.py.
CMD ["gunicorn", "-c", "python:pps_admin.gunicorn_conf", "--bind", "0.0.0.0:8000", "pps_admin.wsgi:application"]
