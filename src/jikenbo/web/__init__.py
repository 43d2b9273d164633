"""The web casebook (`jikenbo serve`)."""
from jikenbo.web.app import create_app

__all__ = ["create_app"]
