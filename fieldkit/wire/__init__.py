"""What a device and central share: message shapes, bundle formats, hashes, keys, credentials."""
