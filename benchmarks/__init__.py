"""The benchmark suite: definitions, runner and recorded results."""
