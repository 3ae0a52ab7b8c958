"""Parts of the Streamlit page that app.py lays out (they import Streamlit; geo/ never does)."""
