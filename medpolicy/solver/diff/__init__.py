"""Semantic diff of two tables: every verdict change, proven, with witnesses."""
