"""Plain-Python file I/O the Beam layer, the core and the report share."""
