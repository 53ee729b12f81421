"""An async upload view that stores one file with a size limit.

Settings it reads (all optional):
    UPLOAD_MAX_BYTES = 1_048_576          # largest file accepted
    UPLOAD_DIR = "/srv/uploads"           # where files are stored (default: a folder in the temp dir)

By the time this view runs, Django's ASGIHandler has already received the WHOLE body (into a
SpooledTemporaryFile: memory up to FILE_UPLOAD_MAX_MEMORY_SIZE, then disk). The size checks below
therefore decide what is kept and what the client is told, not how much the server receives.
"""
import tempfile
from pathlib import Path

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import JsonResponse

MULTIPART_OVERHEAD = 16 * 1024  # boundaries and part headers around the file


def max_bytes() -> int:
    return getattr(settings, "UPLOAD_MAX_BYTES", 1024 * 1024)


def storage() -> FileSystemStorage:
    default = Path(tempfile.gettempdir()) / "atlas-uploads"
    return FileSystemStorage(location=getattr(settings, "UPLOAD_DIR", default))


def too_large(size: int) -> JsonResponse:
    return JsonResponse({"error": f"upload of {size} bytes is larger than the limit of {max_bytes()} bytes"},
                        status=413)


async def upload(request):
    if request.method != "POST":
        return JsonResponse({"error": "POST a multipart form with a 'file' field"}, status=405)
    declared = request.META.get("CONTENT_LENGTH")
    if not declared:
        # Django parses multipart bodies by Content-Length; a chunked body without it parses as empty.
        return JsonResponse({"error": "send a Content-Length header"}, status=411)
    if int(declared) > max_bytes() + MULTIPART_OVERHEAD:
        return too_large(int(declared))  # refuse before parsing anything
    # Parsing multipart may write temporary files: do it in a thread, not on the event loop.
    files = await sync_to_async(lambda: request.FILES)()
    uploaded = files.get("file")
    if uploaded is None:
        return JsonResponse({"error": "no 'file' field in the form"}, status=400)
    if uploaded.size > max_bytes():
        return too_large(uploaded.size)
    name = await sync_to_async(storage().save)(uploaded.name, uploaded)
    return JsonResponse({"name": name, "size": uploaded.size}, status=201)


# What @csrf_exempt does; the decorator wraps async views only from Django 5.0 on. A demo API endpoint:
# keep CSRF protection for browser forms.
upload.csrf_exempt = True
