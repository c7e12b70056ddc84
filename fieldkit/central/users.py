"""The people at central: users with a role (roles.py says what each may read), an Argon2id
password, and API tokens for the read endpoints."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher

from fieldkit.central.roles import ROLE_READS, ROLES, may_read
from fieldkit.central.store import AuthError, Central, CentralError, ForbiddenError
from fieldkit.errors import quote
from fieldkit.wire.protocol import now_iso

#: A user's name: a short login name, shown in the access log.
NAME = re.compile(r"[a-z][a-z0-9._-]{0,39}")
TOKEN_PREFIX = "fku"


@dataclass(frozen=True)
class User:
    """Someone at central, as the access log names them."""

    name: str
    role: str
    disabled: bool
    created_at: str


def check_may_read(user: User, what: str) -> None:
    """ForbiddenError (403) with the reason when `user`'s role may not read `what`."""
    if not may_read(user.role, what):
        allowed = ", ".join(sorted(ROLE_READS.get(user.role, ()))) or "nothing"
        raise ForbiddenError(f"role {user.role} may not read {what} (it may read: {allowed})")


def add_user(store: Central, name: str, role: str, password: str) -> tuple[User, str]:
    """A new user and their first API token (returned once; central keeps only its hash)."""
    if not NAME.fullmatch(name):
        raise CentralError(
            f"user name {quote(name)}: use 1 to 40 lowercase letters, digits, '.', '_' or '-', "
            "starting with a letter"
        )
    if role not in ROLE_READS:
        raise CentralError(f"role {quote(role)} is not one of: {', '.join(ROLES)}")
    if len(password) < 8:
        raise CentralError("the password is shorter than 8 characters")
    hashed = PasswordHasher().hash(password)
    with store.transaction() as conn:
        if conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise CentralError(f"user {quote(name)} exists already at central")
        conn.execute(
            "INSERT INTO users (name, role, password_hash, created_at) VALUES (?,?,?,?)",
            (name, role, hashed, now_iso()),
        )
        token = _new_token(conn, name)
    user = find_user(store, name)
    assert user is not None
    return user, token


def _new_token(conn: Any, name: str) -> str:
    token_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    conn.execute(
        "INSERT INTO api_tokens (id, user, token_hash, created_at) VALUES (?,?,?,?)",
        (token_id, name, _digest(secret), now_iso()),
    )
    return f"{TOKEN_PREFIX}_{token_id}_{secret}"


def _digest(secret: str) -> str:
    # A token's secret is 256 random bits: a fast hash is as safe as a slow one here.
    return hashlib.sha256(secret.encode()).hexdigest()


def find_user(store: Central, name: str) -> User | None:
    rows = store.query("SELECT name, role, disabled, created_at FROM users WHERE name = ?", (name,))
    return User(rows[0][0], rows[0][1], bool(rows[0][2]), rows[0][3]) if rows else None


def list_users(store: Central) -> list[User]:
    rows = store.query("SELECT name, role, disabled, created_at FROM users ORDER BY name")
    return [User(n, r, bool(d), c) for n, r, d, c in rows]


def disable_user(store: Central, name: str) -> User:
    """Disable a user: their tokens are refused from now on (the access log keeps their name)."""
    with store.transaction() as conn:
        cur = conn.execute(
            "UPDATE users SET disabled = 1, disabled_at = ? WHERE name = ?", (now_iso(), name)
        )
        if cur.rowcount == 0:
            known = [r[0] for r in conn.execute("SELECT name FROM users ORDER BY name")]
            raise CentralError(
                f"no user {quote(name)} at central (users: {', '.join(known) or 'none'})"
            )
    user = find_user(store, name)
    assert user is not None
    return user


def check_password(store: Central, name: str, password: str) -> bool:
    """Whether `password` is `name`'s (an active user's)."""
    from argon2.exceptions import VerificationError

    rows = store.query("SELECT password_hash, disabled FROM users WHERE name = ?", (name,))
    if not rows or rows[0][1]:
        return False
    try:
        return PasswordHasher().verify(rows[0][0], password)
    except VerificationError:
        return False


def user_for_token(store: Central, token: str) -> User:
    """The active user an API token belongs to; AuthError (401) saying why not."""
    parts = token.split("_")
    if len(parts) < 3 or parts[0] != TOKEN_PREFIX:
        raise AuthError("not a user API token (Authorization: Bearer fku_...)")
    token_id, secret = parts[1], "_".join(parts[2:])
    rows = store.query(
        "SELECT t.token_hash, u.name, u.role, u.disabled, u.created_at FROM api_tokens t"
        " JOIN users u ON u.name = t.user WHERE t.id = ?",
        (token_id,),
    )
    if not rows or not hmac.compare_digest(rows[0][0], _digest(secret)):
        raise AuthError("unknown or wrong API token: ask central's admin for a new one")
    _, name, role, disabled, created = rows[0]
    if disabled:
        raise AuthError(f"user {name} is disabled at central: their tokens are refused")
    return User(name, role, False, created)
