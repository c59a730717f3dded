"""The ASGI entry point uvicorn imports (`search_api.main:app`)."""

from catalog.settings import get_settings
from search_api.app import configure_logging, create_app

configure_logging(get_settings().log_level)
app = create_app()
