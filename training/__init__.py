"""Reproducible scripts that build the model files Stagedoor ships (`make models`), from ../shared/data."""
