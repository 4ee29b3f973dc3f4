"""Downloading attachments: only through this access-checked view, always as a download."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from .. import selectors

# Types a browser may be told about; anything else is served as opaque bytes. Even these are
# sent as attachments (never rendered in our origin), with a sandbox policy on top.
SAFE_CONTENT_TYPES = frozenset(
    {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/tiff", "text/plain"}
)


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = selectors.attachment_for_user(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    content_type = attachment.content_type.split(";")[0].strip().lower()
    if content_type not in SAFE_CONTENT_TYPES:
        content_type = "application/octet-stream"
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.filename, content_type=content_type
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; frame-ancestors 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
