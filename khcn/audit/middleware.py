"""Authorization failures into the audit log (ASVS 16.3.2).

Every 403 passes here: PermissionDenied raised anywhere (Django turns it into the 403 response
before it reaches middleware), explicit forbidden responses, the API's refusals and CSRF failures.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from khcn.audit import services


class DeniedAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403:
            match = getattr(request, "resolver_match", None)
            services.event_record(
                event=services.Event.DENIED,
                request=request,
                # The path only: the query string may carry search terms or personal data.
                details={
                    "method": request.method,
                    "path": request.path[:500],
                    "view": match.view_name if match else "",
                },
            )
        return response
