"""Learned models shipped as package data. Nothing is loaded on import: call `LinearModel.load()`."""

from stagedoor.read.models.linear import LinearModel, ModelError, default_model_path

__all__ = ["LinearModel", "ModelError", "default_model_path"]
