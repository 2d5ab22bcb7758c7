"""Streamlit glue: state, cached data, and page building blocks. Domain logic lives in geo/."""
