"""`lexwatch bench`: every stage measured against a baseline in the same run (see BENCHMARKS.md)."""
