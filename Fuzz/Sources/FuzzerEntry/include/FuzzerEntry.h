// Intentionally empty: the module exists for entry.c's symbols.
