"""Periodic jobs on PTB's JobQueue; everything they act on lives in the database."""
