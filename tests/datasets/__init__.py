"""Tests of the dataset layer: canonical product model, generator, source readers."""
