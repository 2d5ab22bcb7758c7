"""The server layer around Streamlit (``st.App`` in app.py): what a first HTTP response carries before any script runs.

One module per route family: ``snapshot`` (the images), ``preview`` (the HTML: link-preview tags and
the instant picture), ``compress`` (Streamlit's static files gzipped once), ``data`` (what a view
shows, read through ``geo.store``'s one door). Never imports Streamlit's script-run APIs.
"""
