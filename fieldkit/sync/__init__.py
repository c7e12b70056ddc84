"""The device's end of sync: push to central over HTTP or by bundle file, take its answer."""
