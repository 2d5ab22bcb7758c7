"""Open one Streamlit session over its own websocket protocol, as a browser opening a link does.

``python -m deploy warm`` (the systemd unit's ExecStartPost) and ``Stack.warm`` use it so an app
process loads its boundary data and caches before the first viewer; ``bench.load`` builds its load
runs on it and tests/test_deploy.py its burst check. GET the page (cookies: the proxy's
sticky-session cookie, Streamlit's XSRF cookie), open Streamlit's websocket with those cookies, send
the first ``rerun_script`` message (query string and page name from the URL, as the frontend's
rerun request does), then read its answers until ``script_finished``. An exception element
in the page or a ``page_not_found`` is an error. Only 127.0.0.1 is allowed; every loop is bounded.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import websockets

from streamlit_boundary import protocol, urls

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@dataclass
class Session:
    ok: bool = False
    error: str = ""
    get_s: float | None = None
    ws_s: float | None = None
    total_s: float | None = None
    messages: int = 0
    bytes: int = 0
    route_cookie: str = ""
    replica: str = ""  # the app process that answered the page GET, when the proxy tells (serve only)
    ws_replica: str = ""  # ... and the websocket
    started_at: float = 0.0


@dataclass
class Target:
    host: str
    port: int
    path: str
    query: str
    scheme: str = "http"

    @classmethod
    def parse(cls, url: str) -> Target:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.hostname not in LOCAL_HOSTS:
            raise ValueError(f"only http(s)://127.0.0.1 URLs are allowed, not {url!r}")
        default = 443 if parts.scheme == "https" else 80
        return cls(parts.hostname, parts.port or default, parts.path or "/", parts.query, parts.scheme)

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    @property
    def tls(self) -> ssl.SSLContext | None:
        """For https: a context that accepts the local stack's self-signed certificate (127.0.0.1 only)."""
        return ssl._create_unverified_context() if self.scheme == "https" else None

    @property
    def page_name(self) -> str:
        return self.path.strip("/").split("/")[-1] if self.path.strip("/") else ""


async def http_get(
    host: str,
    port: int,
    path: str,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
    tls: ssl.SSLContext | None = None,
) -> tuple[int, dict[str, list[str]], bytes]:
    """A plain HTTP/1.1 GET (Connection: close): status, headers (lower-case names, all values), body."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port, ssl=tls), timeout)
    try:
        lines = [
            f"GET {path} HTTP/1.1",
            f"Host: {host}:{port}",
            "Connection: close",
            "Accept: text/html",
            "User-Agent: kalbar-load",
        ]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    head_lines = head.decode("latin-1").split("\r\n")
    status = int(head_lines[0].split()[1])
    out: dict[str, list[str]] = {}
    for line in head_lines[1:]:
        name, _, value = line.partition(":")
        out.setdefault(name.strip().lower(), []).append(value.strip())
    return status, out, body


def rerun_message(target: Target) -> bytes:
    """The first message a browser sends on a fresh page: run the page named in the URL."""
    url = target.origin + target.path + (f"?{target.query}" if target.query else "")
    return protocol.rerun_message(target.query, target.page_name, url)


async def one_session(
    target: Target,
    timeout: float = 120.0,
    hold: asyncio.Event | None = None,
    cookie: str | None = None,
    on_ran=None,
    replica_header: str = "x-kalbar-replica",
    go: asyncio.Event | None = None,
    on_message=None,
) -> Session:
    """Open one new session; with ``hold`` keep the websocket open until the event is set.

    With ``go``, wait for that event first (a burst's barrier); the clock starts after it, at the page's GET.
    ``on_ran`` is called once the script finished or the session failed (before holding); ``on_message``
    with each message of the script run, (kind, the message: streamlit_boundary.protocol.read), in the order
    they arrive.
    """
    if go is not None:
        await go.wait()
    s = Session(started_at=time.perf_counter())
    t0 = time.perf_counter()
    try:
        headers = {"Cookie": cookie} if cookie else {}
        status, head, _ = await http_get(
            target.host,
            target.port,
            target.path + (f"?{target.query}" if target.query else ""),
            headers,
            timeout,
            target.tls,
        )
        s.get_s = time.perf_counter() - t0
        if status != 200:
            raise RuntimeError(f"GET page: HTTP {status}")
        jar = SimpleCookie()
        if cookie:
            jar.load(cookie)
        for value in head.get("set-cookie", []):
            jar.load(value)
        s.route_cookie = jar["kalbar_route"].value if "kalbar_route" in jar else ""
        s.replica = (head.get(replica_header) or [""])[0]
        cookie_header = "; ".join(f"{k}={m.value}" for k, m in jar.items())
        xsrf = jar[urls.XSRF_COOKIE].value if urls.XSRF_COOKIE in jar else ""
        protocols = [urls.WS_SUBPROTOCOL] + ([xsrf] if xsrf else [])
        t1 = time.perf_counter()
        extra = {"Origin": target.origin, **({"Cookie": cookie_header} if cookie_header else {})}
        async with websockets.connect(
            f"{'wss' if target.tls else 'ws'}://{target.host}:{target.port}{urls.STREAM}",
            ssl=target.tls,
            subprotocols=protocols,
            additional_headers=extra,
            max_size=None,
            open_timeout=timeout,
            ping_interval=None,
            user_agent_header="kalbar-load",
        ) as ws:
            s.ws_replica = ws.response.headers.get(replica_header, "") if ws.response else ""
            await ws.send(rerun_message(target))
            deadline = t1 + timeout
            while True:
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise TimeoutError(f"no script_finished within {timeout:.0f} s")
                data = await asyncio.wait_for(ws.recv(), left)
                s.messages += 1
                s.bytes += len(data)
                kind, fm = protocol.read(data)
                if on_message:
                    on_message(kind, fm)
                if kind == "page_not_found":
                    raise RuntimeError(f"page not found: {fm.page_not_found.page_name!r}")
                if shown := protocol.exception_in(fm):
                    raise RuntimeError(f"exception in the page: {shown}")
                if kind == "script_finished":
                    if fm.script_finished in protocol.FINISHED_OK:
                        break
                    if fm.script_finished == protocol.FINISHED_WITH_COMPILE_ERROR:
                        raise RuntimeError("script compile error")
                    # FINISHED_EARLY_FOR_RERUN (st.rerun): the next run follows on the same socket
            now = time.perf_counter()
            s.ws_s, s.total_s, s.ok = now - t1, now - t0, True
            if on_ran:
                on_ran(s)
                on_ran = None
            if hold is not None:
                await asyncio.wait_for(hold.wait(), timeout)
    except Exception as exc:  # every failure is a counted error, never a crash of the whole run
        if not s.ok:
            s.error = f"{type(exc).__name__}: {str(exc)[:300]}"
    if on_ran:
        on_ran(s)
    return s


async def burst(url: str, n: int, timeout: float = 180.0) -> list[Session]:
    """``n`` new sessions opened at the same moment, as a room does when a briefing starts: every session waits
    at a barrier, then all send their page GET together; all stay open until the last has run."""
    target = Target.parse(url)
    hold, go = asyncio.Event(), asyncio.Event()
    ran = [0]

    def on_ran(_s: Session) -> None:
        ran[0] += 1
        if ran[0] >= n:
            hold.set()

    tasks = [asyncio.create_task(one_session(target, timeout, hold, on_ran=on_ran, go=go)) for _ in range(n)]
    await asyncio.sleep(0)  # every task reaches the barrier
    go.set()
    return list(await asyncio.gather(*tasks))
