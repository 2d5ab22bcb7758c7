"""Who may do what: roles, the e-mail allow-lists for organisation sign-in, and the view setting.

Settings come from environment variables and/or the ``[access]`` section of
``.streamlit/secrets.toml`` (passed in as a plain mapping, so this module stays free of Streamlit):

- ``KALBAR_REQUIRE_SIGN_IN=1`` or ``require_sign_in = true``: viewing needs an account too.
- ``KALBAR_EDITOR_EMAILS`` / ``editor_emails``: e-mails that sign in through the organisation's
  OpenID Connect provider as editors; ``KALBAR_ADMIN_EMAILS`` / ``admin_emails`` as admins.
  Anyone else signing in that way is a viewer.
- ``KALBAR_OIDC_PROVIDER_VERIFIES_EMAIL`` / ``oidc_provider_verifies_email``: the provider verifies every
  e-mail itself and may leave ``email_verified`` out (an explicit false is refused all the same); without
  it a sign-in needs ``email_verified`` to be the boolean true.
- ``KALBAR_OIDC_ISSUER`` / ``oidc_issuer``, ``KALBAR_OIDC_HD`` / ``oidc_hd`` (Google Workspace domain),
  ``KALBAR_OIDC_TID`` / ``oidc_tid`` (Microsoft Entra tenant): when set, the token's claim must equal it.
- ``KALBAR_IDLE_TIMEOUT`` / ``idle_timeout``: a built-in sign-in ends after this long without a click
  (``8h`` by default; ``30m``, ``90s``; a bare number is seconds).
- ``KALBAR_TRUSTED_PROXIES`` / ``trusted_proxies``: addresses or networks whose ``X-Forwarded-For`` /
  ``X-Real-IP`` name the real client (loopback by default: the nginx of ``deploy/`` on the same machine).
- ``KALBAR_SESSION_SECRET`` / ``session_secret``: the key that signs the sign-in cookie; without it the store
  generates one on first use (kept in the database, shared by every app process on it).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import settings
from .paths import ROOT

VIEWER, EDITOR, ADMIN = "viewer", "editor", "admin"
ROLES: tuple[str, ...] = (VIEWER, EDITOR, ADMIN)
_RANK = {VIEWER: 0, EDITOR: 1, ADMIN: 2}

REQUIRE_ENV = "KALBAR_REQUIRE_SIGN_IN"
EDITOR_EMAILS_ENV = "KALBAR_EDITOR_EMAILS"
ADMIN_EMAILS_ENV = "KALBAR_ADMIN_EMAILS"
SECRETS_SECTION = "access"
OIDC_VERIFIES_ENV = "KALBAR_OIDC_PROVIDER_VERIFIES_EMAIL"
OIDC_PINS = {"iss": "KALBAR_OIDC_ISSUER", "hd": "KALBAR_OIDC_HD", "tid": "KALBAR_OIDC_TID"}
OIDC_PIN_SECRETS = {"iss": "oidc_issuer", "hd": "oidc_hd", "tid": "oidc_tid"}
IDLE_ENV = "KALBAR_IDLE_TIMEOUT"
PROXIES_ENV = "KALBAR_TRUSTED_PROXIES"
SESSION_SECRET_ENV = "KALBAR_SESSION_SECRET"
DEFAULT_IDLE = dt.timedelta(hours=8)
DEFAULT_PROXIES = ("127.0.0.1/32", "::1/128")
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


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


def duration(value: Any, default: dt.timedelta = DEFAULT_IDLE) -> dt.timedelta:
    """``8h``, ``30m``, ``90s`` or a bare number of seconds; the default when empty or not understood."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", str(value or "").lower())
    if not m or float(m.group(1)) <= 0:
        return default
    return dt.timedelta(seconds=float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[m.group(2)])


def _networks(value: Any) -> tuple[Network, ...]:
    """Addresses or networks (a list, or separated by commas/whitespace); entries that are not one are skipped."""
    items = re.split(r"[,;\s]+", value) if isinstance(value, str) else (value or [])
    out = []
    for item in items:
        try:
            out.append(ipaddress.ip_network(str(item).strip(), strict=False))
        except ValueError:
            continue
    return tuple(out)


def file_secrets(section: str, root: Path = ROOT) -> dict[str, Any]:
    """A section of .streamlit/secrets.toml (the project's, else the home one) read without Streamlit, for the
    server layer that answers outside any script run."""
    return settings.secrets_section(section, root=root)


@dataclass(frozen=True)
class AccessSettings:
    require_sign_in: bool = False
    editor_emails: frozenset[str] = frozenset()
    admin_emails: frozenset[str] = frozenset()
    oidc_provider_verifies_email: bool = False
    oidc_pins: tuple[tuple[str, str], ...] = ()  # (claim, required value): iss, hd, tid
    idle_timeout: dt.timedelta = DEFAULT_IDLE
    trusted_proxies: tuple[Network, ...] = _networks(DEFAULT_PROXIES)
    session_secret: str | None = None

    @classmethod
    def read(cls, env: Mapping[str, str], secrets: Mapping[str, Any] | None = None) -> AccessSettings:
        """Environment and secrets together: either may require sign-in; the e-mail lists add up; for the
        other settings the environment wins."""
        sec = secrets or {}

        def one(env_name: str, key: str) -> Any:
            value = env.get(env_name)
            return value if value not in (None, "") else sec.get(key)

        pins = tuple(
            (claim, str(v).strip())
            for claim, env_name in OIDC_PINS.items()
            if str(v := one(env_name, OIDC_PIN_SECRETS[claim]) or "").strip()
        )
        proxies = one(PROXIES_ENV, "trusted_proxies")
        return cls(
            require_sign_in=_flag(env.get(REQUIRE_ENV)) or _flag(sec.get("require_sign_in")),
            editor_emails=_emails(env.get(EDITOR_EMAILS_ENV)) | _emails(sec.get("editor_emails")),
            admin_emails=_emails(env.get(ADMIN_EMAILS_ENV)) | _emails(sec.get("admin_emails")),
            oidc_provider_verifies_email=_flag(one(OIDC_VERIFIES_ENV, "oidc_provider_verifies_email")),
            oidc_pins=pins,
            idle_timeout=duration(one(IDLE_ENV, "idle_timeout")),
            trusted_proxies=_networks(proxies if proxies not in (None, "") else DEFAULT_PROXIES),
            session_secret=str(one(SESSION_SECRET_ENV, "session_secret") or "").strip() or None,
        )

    def oidc_refusal(self, claims: Mapping[str, Any]) -> str | None:
        """Why an organisation sign-in with these ID-token claims is refused (a text key), or None.

        The allow-lists trust the address, so it must be the provider's own: ``email_verified`` must be
        the boolean true (absent only when the provider is marked as verifying every e-mail itself;
        false or the string "false" never); pinned claims (issuer, Workspace domain, Entra tenant) must match."""
        if not str(claims.get("email") or "").strip():
            return "auth.oidc.no_email"
        verified = claims.get("email_verified")
        if not (verified is True or ("email_verified" not in claims and self.oidc_provider_verifies_email)):
            return "auth.oidc.unverified"
        for claim, wanted in self.oidc_pins:
            if str(claims.get(claim) or "") != wanted:
                return "auth.oidc.pinned"
        return None

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
