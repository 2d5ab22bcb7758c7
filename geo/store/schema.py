"""The tables, as SQLAlchemy Core metadata (the migrations create the same thing)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, LargeBinary, MetaData, String, Table, Text

metadata = MetaData()

# One row, bumped in every transaction that changes what viewers see: change_token() reads it.
state = Table(
    "store_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("serial", Integer, nullable=False),
)

versions = Table(
    "versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("level", String(16)),
    Column("periods", Text, nullable=False),  # JSON list
    Column("filename", String(255), nullable=False),
    Column("sha256", String(64), nullable=False, index=True),
    Column("note", Text, nullable=False),
    Column("published_by", String(128), nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
    Column("retracted", Boolean, nullable=False),
    Column("n_rows", Integer, nullable=False),
    Column("n_matched", Integer, nullable=False),
    Column("summary", Text, nullable=False),  # JSON
)

# The heavy parts of a version, read only when needed.
version_data = Table(
    "version_data",
    metadata,
    Column("version_id", Integer, ForeignKey("versions.id"), primary_key=True),
    Column("original", LargeBinary, nullable=False),  # the file as published
    Column("report", Text, nullable=False),  # JSON join report (check --json + suggestions)
    Column("rows", LargeBinary, nullable=False),  # matched rows as Parquet: dtypes round-trip exactly
    Column("n_rows", Integer, nullable=False),  # row count of ``rows``, checked on read
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(128), nullable=False, unique=True),
    Column("email", String(255), unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", Text),
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Bumped by a password reset, (de)activation or role change: sessions made before it end.
    Column("session_epoch", Integer, nullable=False, server_default="0"),
    # What visitors see instead of the login name (versions, open data, stamps); empty: the role's word.
    Column("display_name", String(128)),
)

# Failed sign-ins, one counter per (kind, subject): kind "account" (the name as typed, also unknown
# names, so a wait never tells whether a name exists), "client" (the address), "pair" (name from one
# address: the only lock an account name gets) or "unknown" (unknown
# names per address, for the one aggregated audit row ``audit_id``). Counted by one atomic upsert.
signin_counters = Table(
    "signin_counters",
    metadata,
    Column("kind", String(16), primary_key=True),
    Column("subject", String(256), primary_key=True),  # a pair: "<address> <name>"
    Column("n", Integer, nullable=False),
    Column("last_at", DateTime(timezone=True), nullable=False, index=True),
    Column("audit_id", Integer),
)

# A built-in sign-in's server side: the cookie carries a signed random token whose hash is here;
# ``handoff_hash`` is the one-time token the page hands to /auth/session to get that cookie.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("epoch", Integer, nullable=False),
    Column("token_hash", String(64), unique=True),
    Column("handoff_hash", String(64), unique=True),
    Column("handoff_until", DateTime(timezone=True)),
    Column("client", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False, index=True),
    Column("ended_at", DateTime(timezone=True)),
    Column("end_reason", String(16)),
)

# Secrets the store generates on first use (the session cookie's signing key when none is configured).
secrets = Table(
    "store_secrets",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

aliases = Table(
    "aliases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("level", String(16), nullable=False),
    Column("name", String(255), nullable=False),  # as written in the table
    Column("name_key", String(255), nullable=False, index=True),
    Column("kode", String(32), nullable=False),
    Column("parent", String(32)),
    Column("created_by", String(128), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("removed_by", String(128)),  # aliases are removed by marking: nothing is deleted
    Column("removed_at", DateTime(timezone=True)),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("who", String(128), nullable=False),
    Column("action", String(64), nullable=False),
    Column("detail", Text, nullable=False),  # JSON
)
