"""Repository functions. Each takes a keyword-only ``session`` and never commits."""
