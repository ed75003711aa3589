"""Google Vertex AI: Gemini's wire format, on Vertex's URLs, with a service-account token.

``POST {base}/projects/{project}/locations/{location}/publishers/google/models/{model}:generateContent``
(``:streamGenerateContent?alt=sse``, ``:countTokens``), where ``base`` is
``https://{location}-aiplatform.googleapis.com/v1`` (``aiplatform.googleapis.com``
for the ``global`` location) unless overridden (``:base-url``,
``VERTEX_BASE_URL``).  The project comes from ``:project``, the key file's
``project_id`` or ``GOOGLE_CLOUD_PROJECT``; the location from ``:location``,
``GOOGLE_CLOUD_LOCATION`` or ``us-central1``.  The bearer token is a
service-account access token (:mod:`sema.llm.auth.service_account`),
refreshed before it expires.
"""

from __future__ import annotations

from .gemini import GeminiProvider

DEFAULT_LOCATION = "us-central1"


def vertex_base_url(location: str) -> str:
    host = "aiplatform.googleapis.com" if location == "global" else f"{location}-aiplatform.googleapis.com"
    return f"https://{host}/v1"


class VertexProvider(GeminiProvider):
    """Gemini models on Vertex AI."""

    adapter = "vertex"
    default_auth = "bearer"
    supports = frozenset({"chat", "stream", "tools"})

    def __init__(self, name: str = "vertex", *, project: str = "", location: str = DEFAULT_LOCATION,
                 base_url: str | None = None, **options):
        self.project = project
        self.location = location
        if not base_url or "{location}" in base_url:
            base_url = vertex_base_url(location)
        super().__init__(name, base_url=base_url, **options)

    def auth_headers(self, api_key):
        return {}  # the service-account token is added per request

    def model_path(self, model: str) -> str:
        if model.startswith("projects/"):
            return "/" + model
        model = model.split("/")[-1]
        return f"/projects/{self.project}/locations/{self.location}/publishers/google/models/{model}"
