"""Signed search ids: a click is accepted only for a search this API answered.

The `search_id` a search answers with is `<uuid>.<shown>.<mac>`: the event's id, how many results
the answer showed, and an HMAC-SHA256 over both with a server key. A made-up id, or a real one with
a larger `shown`, fails the check, so nobody can click on a search that did not happen or on a
position it did not show, and the click route needs no lookup to know it.

The key is `SEARCH_ID_SECRET` when set; otherwise the one `catalog migrate` generated in the
database (`service_secrets`, 256 random bits): every API process of a deployment shares it, and
there is no default value that a deployment could forget to change.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import threading
import uuid

from pydantic import SecretStr
from sqlalchemy import Engine, text

#: `<uuid>.<shown>.<22 base64url characters>`.
SIGNED_ID_PATTERN = r"^[0-9a-f-]{36}\.[0-9]{1,5}\.[A-Za-z0-9_-]{22}$"
_SIGNED = re.compile(SIGNED_ID_PATTERN)


class SearchIdSigner:
    """Signs and checks search ids; the key is read from PostgreSQL once, on first use."""

    def __init__(self, engine: Engine, secret: SecretStr | None = None) -> None:
        self._engine = engine
        self._key = secret.get_secret_value().encode() if secret is not None else None
        self._lock = threading.Lock()

    def key(self) -> bytes:
        if self._key is None:
            with self._lock, self._engine.connect() as conn:
                value = conn.execute(
                    text("SELECT value FROM service_secrets WHERE name = 'search_ids'")
                ).scalar_one()
                self._key = bytes.fromhex(value)
        return self._key

    def _mac(self, search_id: uuid.UUID, shown: int) -> str:
        digest = hmac.new(self.key(), f"{search_id}.{shown}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")

    def sign(self, search_id: uuid.UUID, shown: int) -> str:
        return f"{search_id}.{shown}.{self._mac(search_id, shown)}"

    def verify(self, signed: str) -> tuple[uuid.UUID, int] | None:
        """The id and the number of results shown; None unless this API signed exactly this."""
        if not _SIGNED.match(signed):
            return None
        raw_id, raw_shown, mac = signed.split(".")
        try:
            search_id = uuid.UUID(raw_id)
        except ValueError:
            return None
        shown = int(raw_shown)
        if not hmac.compare_digest(mac, self._mac(search_id, shown)):
            return None
        return search_id, shown
