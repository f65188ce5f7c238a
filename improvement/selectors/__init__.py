"""Read-side queries of the improvement loop: aggregates computed by the
database, bounded lists; nothing here writes."""
