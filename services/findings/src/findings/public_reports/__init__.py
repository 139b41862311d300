"""public_reports."""
