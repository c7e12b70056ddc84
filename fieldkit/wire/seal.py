"""Sealed files: bytes encrypted to one X25519 public key, so only its holder can read them.

A sealed file is a sealed box: a fresh (ephemeral) X25519 key agrees a secret with the
recipient's key, HKDF-SHA256 turns it into a ChaCha20-Poly1305 key, and the header (the
format, what the file is, whose key it is sealed to, the length sealed, the ephemeral public
key and the nonce) is authenticated with the ciphertext. A device seals its signed bundle to
central's key; central seals its signed answer to the device's. The header names the
recipient's key (the first 8 bytes of its sha256), so a file sealed to another central is
told apart from a tampered one before anything is decrypted, and a cut-off copy is called
truncated.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import struct
from pathlib import Path
from typing import Self

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from fieldkit.errors import UserError
from fieldkit.i18n import _
from fieldkit.private_files import tighten_key_file, write_private

MAGIC = b"FKSEALED"
VERSION = 1
#: What a sealed file holds: a key is never used to open one kind as the other.
PURPOSES = {"bundle": 1, "answer": 2}
_KEY_ID, _LENGTH, _PUBLIC, _NONCE, _TAG = 8, 8, 32, 12, 16
HEADER = len(MAGIC) + 2 + _KEY_ID + _LENGTH + _PUBLIC + _NONCE
#: Where the header's parts start: version and purpose, key id, length, ephemeral key, nonce.
_AT_VERSION = len(MAGIC)
_AT_KEY_ID = _AT_VERSION + 2
_AT_LENGTH = _AT_KEY_ID + _KEY_ID
_AT_PUBLIC = _AT_LENGTH + _LENGTH
#: Bytes a sealed file adds to what it seals.
OVERHEAD = HEADER + _TAG


class SealError(UserError):
    """A sealed file that cannot be opened: not sealed, tampered, damaged or of another kind."""


class NotForThisKeyError(SealError):
    """A file sealed to another key (another central, another device)."""


class SealKey:
    """An X25519 key pair that sealed files are opened with; its public half seals them."""

    def __init__(self, private: X25519PrivateKey) -> None:
        self._private = private
        self.public = public_bytes(private.public_key())
        self.public_hex = self.public.hex()

    @classmethod
    def generate(cls) -> Self:
        return cls(X25519PrivateKey.generate())

    def save(self, path: Path, password: bytes | None = None) -> None:
        """PKCS#8 PEM, owner-only (encrypted with `password` when given); a key already at
        `path` is never replaced (FileExistsError)."""
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(password)
            if password
            else serialization.NoEncryption()
        )
        pem = self._private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )
        write_private(path, pem, exclusive=True)

    @classmethod
    def load(cls, path: Path, what: str, password: bytes | None = None) -> Self:
        """The key at `path` (made owner-only if it was not); SealError when unusable."""
        try:
            tighten_key_file(path, what, "Anyone who copied it can read what is sealed to it")
            if path.stat().st_size > 4096:
                raise SealError(
                    _("{what} {path} is too big to be a key").format(what=what, path=path)
                )
            key = serialization.load_pem_private_key(path.read_bytes(), password=password)
        except FileNotFoundError:
            raise SealError(_("{what} {path} is missing").format(what=what, path=path)) from None
        except (ValueError, TypeError, OSError) as exc:
            raise SealError(
                _("{what} {path} cannot be read as a key ({exc})").format(
                    what=what, path=path, exc=exc
                )
            ) from None
        if not isinstance(key, X25519PrivateKey):
            raise SealError(_("{what} {path} is not an X25519 key").format(what=what, path=path))
        return cls(key)

    def agree(self, peer: bytes) -> bytes:
        return self._private.exchange(X25519PublicKey.from_public_bytes(peer))


def public_bytes(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public: bytes) -> bytes:
    """Which key a file is sealed to: the first 8 bytes of the public key's sha256."""
    return hashlib.sha256(public).digest()[:_KEY_ID]


def _box_key(shared: bytes, ephemeral: bytes, recipient: bytes, purpose: str) -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=ephemeral + recipient,
        info=b"fieldkit sealed/1 " + purpose.encode(),
    )
    return hkdf.derive(shared)


def seal(data: bytes, recipient_public_hex: str, purpose: str) -> bytes:
    """`data` sealed to the X25519 public key `recipient_public_hex`, as a `purpose` file."""
    try:
        recipient = bytes.fromhex(recipient_public_hex)
        X25519PublicKey.from_public_bytes(recipient)
    except ValueError:
        raise SealError(
            _("{key!r} is not an X25519 public key").format(key=recipient_public_hex[:80])
        ) from None
    ephemeral = X25519PrivateKey.generate()
    eph_public = public_bytes(ephemeral.public_key())
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient))
    nonce = secrets.token_bytes(_NONCE)
    header = b"".join(
        (
            MAGIC,
            bytes([VERSION, PURPOSES[purpose]]),
            key_id(recipient),
            struct.pack(">Q", len(data)),
            eph_public,
            nonce,
        )
    )
    box = ChaCha20Poly1305(_box_key(shared, eph_public, recipient, purpose))
    return header + box.encrypt(nonce, data, header)


def looks_sealed(head: bytes) -> bool:
    """True when `head` (a file's first bytes) starts like a sealed file."""
    return head.startswith(MAGIC)


def open_sealed(sealed: bytes, key: SealKey, purpose: str, source: str) -> bytes:
    """What `sealed` holds, opened with `key`; SealError saying why not, naming `source`."""
    _check_header(sealed, purpose, source)
    _check_recipient(sealed, key, source)
    _check_length(sealed, source)
    return _decrypt(sealed, key, purpose, source)


def _check_header(sealed: bytes, purpose: str, source: str) -> None:
    """A whole header, of a format this fieldkit reads, for a file of this `purpose`."""
    if not looks_sealed(sealed):
        raise SealError(
            _("{source} is not a sealed {purpose} (no {magic} header)").format(
                source=source, purpose=purpose, magic=MAGIC.decode()
            )
        )
    if len(sealed) < HEADER:
        raise SealError(
            _("{source} is truncated ({n} bytes, cut inside its header)").format(
                source=source, n=len(sealed)
            )
        )
    version, kind = sealed[_AT_VERSION], sealed[_AT_VERSION + 1]
    if version != VERSION:
        raise SealError(
            _("{source} is sealed in format {version}; this fieldkit reads {readable}").format(
                source=source, version=version, readable=VERSION
            )
        )
    if kind != PURPOSES[purpose]:
        found = next((k for k, v in PURPOSES.items() if v == kind), "unknown")
        raise SealError(
            _("{source} is a sealed {found}, not a sealed {purpose}").format(
                source=source, found=found, purpose=purpose
            )
        )


def _check_recipient(sealed: bytes, key: SealKey, source: str) -> None:
    """NotForThisKeyError unless the header names `key` as the recipient."""
    recipient = sealed[_AT_KEY_ID : _AT_KEY_ID + _KEY_ID]
    if recipient != key_id(key.public):
        raise NotForThisKeyError(
            _("{source} is sealed to another key ({recipient}), not this one ({public})").format(
                source=source, recipient=recipient.hex(), public=key_id(key.public).hex()
            )
        )


def _check_length(sealed: bytes, source: str) -> None:
    """The sealed bytes are as long as the header says: neither cut off nor with more after."""
    (length,) = struct.unpack_from(">Q", sealed, _AT_LENGTH)
    body = len(sealed) - HEADER - _TAG
    if body < length:
        raise SealError(
            _("{source} is truncated ({body:,} of {length:,} bytes)").format(
                source=source, body=max(body, 0), length=length
            )
        )
    if body > length:
        raise SealError(
            _("{source} is corrupted ({extra:,} bytes past its end)").format(
                source=source, extra=body - length
            )
        )


def _decrypt(sealed: bytes, key: SealKey, purpose: str, source: str) -> bytes:
    """The plaintext, its header and ciphertext authenticated; SealError if either changed."""
    eph_public = sealed[_AT_PUBLIC : _AT_PUBLIC + _PUBLIC]
    nonce = sealed[_AT_PUBLIC + _PUBLIC : HEADER]
    try:
        shared = key.agree(eph_public)
        box = ChaCha20Poly1305(_box_key(shared, eph_public, key.public, purpose))
        return box.decrypt(nonce, sealed[HEADER:], sealed[:HEADER])
    except (InvalidTag, ValueError):
        raise SealError(
            _("{source} is corrupted or was tampered with (changed after it was sealed)").format(
                source=source
            )
        ) from None


def read_sealed(path: Path, limit: int, what: str) -> bytes:
    """The bytes of the sealed file at `path`, refused unread when over `limit` + OVERHEAD."""
    try:
        size = os.stat(path).st_size
        if size > limit + OVERHEAD:
            raise SealError(
                _("{what} {path} is {size:,} bytes, over the {limit:,} allowed").format(
                    what=what, path=path, size=size, limit=limit
                )
            )
        with path.open("rb") as f:
            data = f.read(limit + OVERHEAD + 1)
    except FileNotFoundError:
        raise SealError(_("{what} {path}: no such file").format(what=what, path=path)) from None
    except IsADirectoryError:
        raise SealError(
            _("{what} {path}: a folder, not a file").format(what=what, path=path)
        ) from None
    except OSError as exc:
        raise SealError(
            _("{what} {path}: cannot read it ({strerror})").format(
                what=what, path=path, strerror=exc.strerror
            )
        ) from None
    if len(data) > limit + OVERHEAD:
        raise SealError(
            _("{what} {path} grew past the {limit:,} bytes it may hold").format(
                what=what, path=path, limit=limit
            )
        )
    return data
