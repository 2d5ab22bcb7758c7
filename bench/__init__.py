"""Benchmarks for the Kalbar coverage map against a naive folium/st_folium baseline.

``python -m bench`` measures, in one run: bytes sent to the browser, warm re-run time after a
filter change, time to polygons in a throttled Chromium, and display-geometry fidelity. It
writes ``bench/out/results.json`` and regenerates ``bench/RESULTS.md``.
"""
