"""Idlib Front Map's core: names, places, control changes, maps and exports; no Streamlit in here."""

__version__ = "0.1.0"
