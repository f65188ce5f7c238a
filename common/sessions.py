"""``SESSION_ENGINE``: Django's database sessions, each write one statement.

Django's store creates a session with a lookup of its new random key, then
an INSERT in a transaction of its own, and updates one in a transaction too:
four statements and a second transaction on every web submission (the
confirmation page's tracking number; issue 15). Here a new session is
``INSERT ... ON CONFLICT DO NOTHING`` (a key in use, which 32 random
characters make vanishingly rare, draws another) and a changed one a single
UPDATE: the same rows and the same checks, one statement each, in no
transaction of their own.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils.crypto import get_random_string

from common.db import insert_unless_conflict


class SessionStore(DatabaseSessionStore):
    def _get_new_session_key(self) -> str:
        # No lookup: the INSERT refuses a key in use, and create() draws again.
        return get_random_string(32, VALID_KEY_CHARS)

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()
        data = self._get_session(no_load=must_create)  # type: ignore[attr-defined]
        row = self.create_model_instance(data)
        if must_create:
            if insert_unless_conflict(row) is None:
                raise CreateError
            return None
        updated = self.model._default_manager.filter(session_key=row.session_key).update(
            session_data=row.session_data, expire_date=row.expire_date
        )
        if not updated:  # deleted meanwhile (a logout elsewhere): as Django's store
            raise UpdateError
        return None
