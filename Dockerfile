FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN useradd --system --create-home --home-dir /home/helpdesk helpdesk \
    && mkdir -p /data/media /app/var \
    && chown helpdesk /data /data/media /app/var

COPY . .
RUN pip install -e . \
    && SECRET_KEY=build-only-not-a-secret-build-only-not-a-secret-0000 \
       FIELD_ENCRYPTION_KEY=YnVpbGQtb25seS1ub3QtYS1zZWNyZXQtMDAwMDAwMDA= \
       DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
       STATIC_ROOT=/app/var/static \
       python manage.py collectstatic --noinput

USER helpdesk
EXPOSE 8000
CMD ["gunicorn", "helpdesk.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "4"]
