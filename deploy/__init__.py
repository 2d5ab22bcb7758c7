"""Production deployment: nginx in front of several Streamlit processes (see README, "Memasang di server")."""
