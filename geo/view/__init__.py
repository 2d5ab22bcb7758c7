"""What a view shows, worked out once for the pages, the HTTP layer and the CLI (no Streamlit here).

- ``connection``: the process's store (one engine per process) and its change token;
- ``inforce``: the data in force (published, as of a version a link pins, or the sample), the target
  schedule, the classified areas of a level;
- ``shown``: one view of a map page: page defaults, the version a link pins, scope, period, titles,
  the stamp, the map's options and the areas its filters grey out.

The pages reach these through ``ui/session`` and ``ui/cache`` (Streamlit's caches around them), the
HTTP layer (``server/``) and the CLI call them directly.
"""
