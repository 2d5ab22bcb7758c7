"""Streamlit's protobuf messages and its script-run context: what the warm-up and load clients speak on the
websocket, and how a page sends the browser elsewhere (the message st.login sends)."""

from __future__ import annotations

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.runtime.scriptrunner import get_script_run_ctx

FINISHED_OK = (ForwardMsg.FINISHED_SUCCESSFULLY,)
FINISHED_WITH_COMPILE_ERROR = ForwardMsg.FINISHED_WITH_COMPILE_ERROR


def rerun_message(query: str, page_name: str, url: str, locale: str = "id-ID") -> bytes:
    """The first BackMsg a browser sends on a fresh page: run the page named in the URL (as the frontend's
    ``sendRerunBackMsg`` does)."""
    msg = BackMsg(
        rerun_script=ClientState(
            query_string=query,
            widget_states=WidgetStates(),
            page_script_hash="",
            page_name=page_name,
            context_info=ContextInfo(
                timezone="Asia/Pontianak",
                timezone_offset=-420,
                locale=locale,
                url=url,
                is_embedded=False,
                color_scheme="light",
            ),
        )
    )
    return msg.SerializeToString()


def read(data: bytes) -> tuple[str | None, object]:
    """(kind, the message) of one ForwardMsg off the websocket."""
    fm = ForwardMsg()
    fm.ParseFromString(data)
    return fm.WhichOneof("type"), fm


def exception_in(fm) -> str | None:  # noqa: ANN001 - a ForwardMsg
    """The exception a page showed, when this message carries one."""
    if fm.WhichOneof("type") == "delta" and fm.delta.WhichOneof("type") == "new_element":
        if fm.delta.new_element.WhichOneof("type") == "exception":
            exc = fm.delta.new_element.exception
            return f"{exc.type}: {exc.message[:200]}"
    return None


ROOTS = {0: "main", 1: "sidebar", 2: "event", 3: "bottom"}  # a delta path's first index: Streamlit's RootContainer


def element_in(fm) -> tuple[str, str, tuple[int, ...]] | None:  # noqa: ANN001 - a ForwardMsg
    """(where, kind, place) of the element a message sends, e.g. ("main", "component_instance", (0, 5, 9)) for
    the map or ("sidebar", "radio", …); None for any other message. ``place`` is its position on the page (the
    delta path: a smaller one is higher up), whatever the order it was sent in."""
    if fm.WhichOneof("type") != "delta" or fm.delta.WhichOneof("type") != "new_element":
        return None
    path = tuple(fm.metadata.delta_path)
    where = ROOTS.get(path[0], str(path[0])) if path else "?"
    return where, fm.delta.new_element.WhichOneof("type") or "?", path


def send_browser_to(path: str) -> bool:
    """Send this run's browser tab to ``path`` (an auth_redirect, as st.login sends); False outside a run."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return False
    msg = ForwardMsg()
    msg.auth_redirect.url = path
    ctx.enqueue(msg)
    return True
