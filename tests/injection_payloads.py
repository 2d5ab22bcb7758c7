"""Markdown/HTML/formula payloads an attacker could put in a link, a file name or a table cell.

198.51.100.7 is a documentation address (RFC 5737): the browser tests block every request to it.
"""

from __future__ import annotations

ATTACKER = "198.51.100.7"

PAYLOADS: list[str] = [
    f"[klik](http://{ATTACKER}/x)",
    f"![img](http://{ATTACKER}/p.png)",
    f"<img src=http://{ATTACKER}/a onerror=alert(1)>",
    "<script>alert(1)</script>",
    "**bold**",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    ":red[warna]",
    "$$x$$",
    f'=HYPERLINK("http://{ATTACKER}","x")',
    "javascript:alert(1)",
    f"http://{ATTACKER}",
    f"<http://{ATTACKER}>",
    f"www.{ATTACKER}.nip.io/x",
    f"a@{ATTACKER}.nip.io",
    "&lt;b&gt;&#106;&amp;",
    "x\n# heading",
    f"[r]: http://{ATTACKER}/ref\n\n[r]",
    ":smile: :material/home: :streamlit: a -> b",
    "~~s~~ `c` _e_ \\* | a | b |",
]
