"""Who may do what: roles, the e-mail allow-lists for organisation sign-in, and the view setting.

Settings come from environment variables and/or the ``[access]`` section of
``.streamlit/secrets.toml`` (passed in as a plain mapping, so this module stays free of Streamlit):

- ``KALBAR_REQUIRE_SIGN_IN=1`` or ``require_sign_in = true``: viewing needs an account too.
- ``KALBAR_EDITOR_EMAILS`` / ``editor_emails``: e-mails that sign in through the organisation's
  OpenID Connect provider as editors; ``KALBAR_ADMIN_EMAILS`` / ``admin_emails`` as admins.
  Anyone else signing in that way is a viewer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

VIEWER, EDITOR, ADMIN = "viewer", "editor", "admin"
ROLES: tuple[str, ...] = (VIEWER, EDITOR, ADMIN)
_RANK = {VIEWER: 0, EDITOR: 1, ADMIN: 2}

REQUIRE_ENV = "KALBAR_REQUIRE_SIGN_IN"
EDITOR_EMAILS_ENV = "KALBAR_EDITOR_EMAILS"
ADMIN_EMAILS_ENV = "KALBAR_ADMIN_EMAILS"
SECRETS_SECTION = "access"


def at_least(role: str | None, needed: str) -> bool:
    """True when ``role`` includes the rights of ``needed`` (admin ⊇ editor ⊇ viewer)."""
    return role in _RANK and _RANK[role] >= _RANK[needed]


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in ("1", "true", "yes", "ya", "on")


def _emails(value: Any) -> frozenset[str]:
    """A list, or a string separated by commas/semicolons/whitespace, as lower-case e-mails."""
    items: Iterable[Any] = re.split(r"[,;\s]+", value) if isinstance(value, str) else (value or [])
    return frozenset(str(e).strip().lower() for e in items if str(e).strip())


@dataclass(frozen=True)
class AccessSettings:
    require_sign_in: bool = False
    editor_emails: frozenset[str] = frozenset()
    admin_emails: frozenset[str] = frozenset()

    @classmethod
    def read(cls, env: Mapping[str, str], secrets: Mapping[str, Any] | None = None) -> AccessSettings:
        """Environment and secrets together: either may require sign-in; the e-mail lists add up."""
        sec = secrets or {}
        return cls(
            require_sign_in=_flag(env.get(REQUIRE_ENV)) or _flag(sec.get("require_sign_in")),
            editor_emails=_emails(env.get(EDITOR_EMAILS_ENV)) | _emails(sec.get("editor_emails")),
            admin_emails=_emails(env.get(ADMIN_EMAILS_ENV)) | _emails(sec.get("admin_emails")),
        )

    def role_for_email(self, email: str | None, verified: bool | None = None, account_role: str | None = None) -> str:
        """The role of someone signed in through the organisation's provider.

        An e-mail the provider explicitly marks as unverified never gets more than viewer: the
        allow-list trusts the address, so the address must be the provider's own. An active
        built-in account with the same e-mail (``account_role``) counts like the allow-list.
        """
        address = (email or "").strip().lower()
        if not address or verified is False:
            return VIEWER
        roles = [VIEWER]
        if address in self.admin_emails:
            roles.append(ADMIN)
        if address in self.editor_emails:
            roles.append(EDITOR)
        if account_role in (EDITOR, ADMIN):
            roles.append(account_role)
        return max(roles, key=_RANK.__getitem__)
