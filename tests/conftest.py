"""Puts tests/ on sys.path (pytest inserts a root conftest's folder), so that every test
folder shares `entry_point.py`."""
