"""Deciding cases: the Decider, exact verdicts, missing-fact sets and their wording."""
