"""Input handling every domain shares: error type (file, line, field, reason), text decoding,
resource limits of files."""
