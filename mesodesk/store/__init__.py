"""See ../shared/design.md for what this layer does."""
