"""A minimal OpenID Connect provider on localhost, for testing st.login against a real protocol run.

It serves discovery, an authorize form (the test types an e-mail, as a person would at the
organisation's sign-in page, and picks what the token says of it: ``email_verified`` true, false, the
string "false", or left out, as providers that let tenant admins set any address do), the token
endpoint (client secret + PKCE S256 checked) and the JWKS. ID tokens are RS256-signed with joserfc,
so Authlib in the app verifies them exactly as it would a real provider's. Standard library HTTP
server in a thread; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

from joserfc import jwt
from joserfc.jwk import RSAKey


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    nonce: str | None
    challenge: str | None
    email: str
    verified: str = "true"  # one of VERIFIED
    issued: float = field(default_factory=time.time)


# What the ID token's email_verified claim says, by the authorize form's choice.
VERIFIED = {"true": True, "false": False, "string-false": "false", "absent": None}


class Provider:
    """``with Provider(client_id, client_secret) as idp:`` … ``idp.metadata_url``."""

    def __init__(self, client_id: str = "peta-test", client_secret: str | None = None) -> None:
        self.client_id = client_id
        self.client_secret = client_secret or secrets.token_urlsafe(24)
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-1", "use": "sig", "alg": "RS256"})
        self.codes: dict[str, _Grant] = {}
        self.tokens_issued: list[dict] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------------------
    @property
    def issuer(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def metadata_url(self) -> str:
        return self.issuer + "/.well-known/openid-configuration"

    def start(self) -> Provider:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_a) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802
                provider._get(self)

            def do_POST(self) -> None:  # noqa: N802
                provider._post(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> Provider:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- endpoints -----------------------------------------------------------------------------------
    def metadata(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.issuer + "/token",
            "jwks_uri": self.issuer + "/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "email", "email_verified", "name"],
        }

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str, headers: dict | None = None) -> None:
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        h.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(body)

    def _json(self, h, status: int, data: dict) -> None:
        self._send(h, status, json.dumps(data).encode(), "application/json")

    def _get(self, h: BaseHTTPRequestHandler) -> None:
        url = urlparse(h.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/.well-known/openid-configuration":
            return self._json(h, 200, self.metadata())
        if url.path == "/jwks":
            return self._json(h, 200, {"keys": [self.key.as_dict(private=False)]})
        if url.path == "/authorize":
            if q.get("client_id") != self.client_id or q.get("response_type") != "code":
                return self._send(h, 400, b"bad client or response_type", "text/plain")
            hidden = "".join(
                f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in q.items()
            )
            page = (
                f"<html><body><h1>Test identity provider</h1><form method='post' action='/authorize'>{hidden}"
                "<label>E-mail <input name='login_email' id='login_email'></label>"
                "<label>email_verified <select name='login_email_verified' id='login_email_verified'>"
                + "".join(f"<option value='{k}'>{k}</option>" for k in VERIFIED)
                + "</select></label>"
                "<button type='submit' id='login_submit'>Continue</button></form></body></html>"
            )
            return self._send(h, 200, page.encode(), "text/html; charset=utf-8")
        return self._send(h, 404, b"not found", "text/plain")

    def _form(self, h: BaseHTTPRequestHandler) -> dict[str, str]:
        length = int(h.headers.get("Content-Length") or 0)
        return {k: v[0] for k, v in parse_qs(h.rfile.read(length).decode()).items()}

    def _post(self, h: BaseHTTPRequestHandler) -> None:
        url = urlparse(h.path)
        form = self._form(h)
        if url.path == "/authorize":
            code = secrets.token_urlsafe(24)
            self.codes[code] = _Grant(
                form["client_id"],
                form["redirect_uri"],
                form.get("nonce"),
                form.get("code_challenge"),
                form["login_email"].strip(),
                form.get("login_email_verified", "true") if form.get("login_email_verified") in VERIFIED else "true",
            )
            back = form["redirect_uri"] + "?" + urlencode({"code": code, "state": form.get("state", "")})
            return self._send(h, 302, b"", "text/plain", {"Location": back})
        if url.path == "/token":
            return self._token(h, form)
        return self._send(h, 404, b"not found", "text/plain")

    def _client_ok(self, h: BaseHTTPRequestHandler, form: dict) -> bool:
        auth = h.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            cid, _, sec = base64.b64decode(auth[6:]).decode().partition(":")
            from urllib.parse import unquote

            return unquote(cid) == self.client_id and unquote(sec) == self.client_secret
        return form.get("client_id") == self.client_id and form.get("client_secret") == self.client_secret

    def _token(self, h: BaseHTTPRequestHandler, form: dict) -> None:
        if not self._client_ok(h, form):
            return self._json(h, 401, {"error": "invalid_client"})
        grant = self.codes.pop(form.get("code", ""), None)
        if (
            form.get("grant_type") != "authorization_code"
            or grant is None
            or grant.redirect_uri != form.get("redirect_uri")
        ):
            return self._json(h, 400, {"error": "invalid_grant"})
        if grant.challenge:
            verifier = form.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if digest != grant.challenge:
                return self._json(h, 400, {"error": "invalid_grant", "error_description": "PKCE"})
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": hashlib.sha256(grant.email.encode()).hexdigest()[:16],
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "email": grant.email,
            "name": grant.email.split("@")[0],
        }
        if grant.verified != "absent":
            claims["email_verified"] = VERIFIED[grant.verified]
        if grant.nonce:
            claims["nonce"] = grant.nonce
        id_token = jwt.encode({"alg": "RS256", "kid": "test-1"}, claims, self.key)
        self.tokens_issued.append(claims)
        return self._json(
            h,
            200,
            {
                "access_token": secrets.token_urlsafe(16),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": id_token,
                "scope": "openid email profile",
            },
        )
