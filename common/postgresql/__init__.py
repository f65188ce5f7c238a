"""Django's PostgreSQL backend, its transactions begun in their first statement's message."""
