"""Verified case synthesis in the style of SHARP (alignment, instantiation, verification)."""
from .filters import NgramIndex
from .pipeline import REASONS, Synthesizer, run_synth
from .taxonomy import Seed, build_taxonomy, make_seeds

__all__ = ["NgramIndex", "REASONS", "Synthesizer", "run_synth", "Seed", "build_taxonomy", "make_seeds"]
