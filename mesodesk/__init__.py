"""mesodesk: an offline consultation assistant for mesotherapy practitioners."""

__version__ = "0.1.0"
