"""Ed25519 signing keys in owner-only files, and signature checks: for devices and central."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Self

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from fieldkit.errors import UserError
from fieldkit.private_files import tighten_key_file, write_private


class KeyFileError(UserError):
    """A key file is missing, unreadable or not an Ed25519 key."""


class SigningKey:
    """An Ed25519 signing key: signs record digests and manifests, hex in and out."""

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private
        self.public_hex = public_hex(private.public_key())

    @classmethod
    def generate(cls) -> Self:
        return cls(Ed25519PrivateKey.generate())

    def sign(self, message: bytes) -> str:
        return self._private.sign(message).hex()

    def save(self, private_path: Path, public_path: Path, password: bytes | None = None) -> None:
        """Private key as PKCS#8 PEM (ENCRYPTED PRIVATE KEY with `password`), created with mode
        0600; public key as PEM beside it."""
        pem = self._private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, _encryption(password)
        )
        fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(private_path, 0o600)  # the umask cannot widen it, but make sure
        public_path.write_bytes(
            self._private.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )

    @classmethod
    def load(cls, path: Path, what: str, advice: str, password: bytes | None = None) -> Self:
        """The key at `path` (encrypted with `password` when given); a key file open to others
        is made owner-only, with a warning."""
        if not path.is_file():
            raise KeyFileError(
                f"device key {path} is missing: this device cannot sign records. Records "
                "already stored are intact; re-enrol the device to log again"
            )
        keep_private(path, what, advice)
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=password)
        except (ValueError, TypeError, OSError) as exc:
            raise KeyFileError(
                f"device key {path} is not readable as a private key: {exc}"
            ) from None
        if not isinstance(key, Ed25519PrivateKey):
            raise KeyFileError(f"device key {path} is not an Ed25519 key")
        return cls(key)


def _encryption(password: bytes | None) -> serialization.KeySerializationEncryption:
    if password:
        return serialization.BestAvailableEncryption(password)
    return serialization.NoEncryption()


PLAIN_PEM = b"-----BEGIN PRIVATE KEY-----"


def encrypt_key_file(path: Path, password: bytes) -> bool:
    """A plain PKCS#8 key file at `path` rewritten encrypted with `password` (whole or not at
    all); False when there is none, or it is encrypted already."""
    try:
        pem = path.read_bytes()
    except FileNotFoundError:
        return False
    if not pem.lstrip().startswith(PLAIN_PEM):
        return False
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise KeyFileError(f"{path} is not readable as a private key: {exc}") from None
    encrypted = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, _encryption(password)
    )
    write_private(path, encrypted)
    return True


def keep_private(path: Path, what: str, advice: str) -> None:
    """A key file open to other users is made owner-only (a warning says so), or refused."""
    try:
        tighten_key_file(path, what, advice)
    except PermissionError as exc:
        raise KeyFileError(
            f"{what} {path} is open to other users and cannot be made owner-only "
            f"({exc.strerror or exc}); make it yours alone with `chmod 600 {path}`"
        ) from None


def public_hex(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def verify_signature(public_key_hex: str, message: bytes, signature_hex: str) -> bool:
    """True when `signature_hex` is the signature of `message` by the key `public_key_hex`."""
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex))
        key.verify(bytes.fromhex(signature_hex), message)
    except (InvalidSignature, ValueError):
        return False
    return True
