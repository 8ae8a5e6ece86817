"""siso's headless core: models, connection, domain services. Never imports the UI."""
