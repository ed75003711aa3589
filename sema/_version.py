"""sema's version: a leaf module, so that anything can import it cheaply."""

__version__ = "0.1.0"
