"""Pure tests: builders and parsers, no I/O and no servers, milliseconds each."""
