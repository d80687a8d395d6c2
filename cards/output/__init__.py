"""Output: bytes into files atomically, and PNG previews of what was written."""
