"""建章立制 Institutions built."""
