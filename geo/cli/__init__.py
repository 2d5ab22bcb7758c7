"""``python -m geo``: the command line (fetch, check, render, plan, targets and the store commands).

Nothing in the domain imports this package; it only calls the domain.
"""

from .main import main

__all__ = ["main"]
