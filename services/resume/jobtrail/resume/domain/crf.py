"""A shipped CRF model (python-crfsuite), opened lazily, one tagger per thread.

A crfsuite Tagger keeps the sequence it was last given, so threads reading uploads side by
side each get their own; `use` swaps the model (or none: rules alone) for training and
evaluation.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any


class CrfModel:
    """The tagger of one model file, or None when there is no model to use."""

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._local = threading.local()
        self._generation = 0

    def use(self, path: Path | None) -> None:
        """Tag with another model file, or with none."""
        self._path = path
        self._generation += 1

    def tagger(self) -> Any:
        local = self._local
        if getattr(local, "generation", None) != self._generation:
            local.generation, local.tagger = self._generation, self._open()
        return local.tagger

    def _open(self) -> Any:
        if self._path is None or not self._path.exists():
            return None
        import pycrfsuite

        tagger = pycrfsuite.Tagger()
        tagger.open(str(self._path))
        return tagger
