"""Shared by every stage: where things live, the cache, reading data files with line numbers, the release-range grammar."""
