"""Masuk / Sign in: built-in account form, or the organisation's provider when configured."""

from ui import auth, phone

phone.layout()
auth.sign_in_page()
