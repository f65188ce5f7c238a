"""Everything that changes the improvement loop's records. Views, admin,
handlers, tasks and commands call these; one module per part."""
