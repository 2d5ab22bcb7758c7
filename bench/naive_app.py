"""Naive baseline Streamlit app for the bench: raw GeoJSON in folium.GeoJson, shown with st_folium.

    streamlit run bench/naive_app.py   (query: ?level=desa&kab=61.04)

The bench runs a copy from bench/out/naive/ beside a ``static`` link to the project's
static folder, so the map loads the same local Leaflet as the real app (see bench/naive.py).
"""

import streamlit as st
from streamlit_folium import st_folium

from bench import naive

st.set_page_config(page_title="Naive baseline", layout="wide")


@st.cache_data(show_spinner=False)
def load(level: str):
    return naive.load_level(level)


level = st.query_params.get("level", "kabupaten")
kab = st.query_params.get("kab") or None
target = st.sidebar.number_input(
    "Target (%)", min_value=0.0, max_value=100.0, value=50.24, step=0.5, format="%.2f", key="target"
)
below = st.sidebar.toggle("Hanya di bawah target", key="below")

gdf = naive.classify(load(level), target, kab, below)
st.title(f"Cakupan Jamsostek — {level}" + (f" {kab}" if kab else ""))
st.caption("Data contoh, bukan data resmi")
m = naive.build_map(gdf, target)
st_folium(m, height=560, use_container_width=True, key="map", returned_objects=["last_active_drawing"])
st.dataframe(gdf.drop(columns="geometry"), hide_index=True, width="stretch")
