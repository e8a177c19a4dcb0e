"""The console's database: SQLAlchemy models, migrations and a thread that runs all queries."""
