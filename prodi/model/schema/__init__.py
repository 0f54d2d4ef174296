"""Typed schemas for every config group, dataset, step and mart."""
