"""Quality filters: the Uzushio chain and Japanese heuristics (see base.py and chain.py)."""
