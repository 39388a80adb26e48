"""Storage: the database (records, migrations check), model versions and their signed files, feedback export."""
