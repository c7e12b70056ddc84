"""Format 2's sealed texts: the salted digest that stands in the signed body for a sensitive
text, so the text can be removed later while the signature still verifies."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Seal:
    """Format 2: the salted digest that stands in the signed body for one sensitive text.

    `path` is where the text belongs ("notes", "referral_ref", "persons.N.ref"); `salt` is None
    once the text was removed (then the digest can no longer be matched to any text).
    """

    path: str
    digest: str
    salt: str | None


def text_digest(salt: str, text: str) -> str:
    """'sha256:' + sha256(salt bytes + UTF-8 text), in hex."""
    return "sha256:" + hashlib.sha256(bytes.fromhex(salt) + text.encode("utf-8")).hexdigest()


def seal_text(path: str, text: str) -> Seal:
    """A fresh seal for `text`: a random 16-byte salt, so a short text cannot be guessed."""
    salt = os.urandom(16).hex()
    return Seal(path, text_digest(salt, text), salt)


#: A digest and a salt as a sealed record holds them.
DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
SALT = re.compile(r"[0-9a-f]{32}")
