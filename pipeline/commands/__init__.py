"""Sub-commands beyond extract/evaluate: each module has ``register(subparsers)``."""
