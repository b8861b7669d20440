"""The application shell: wiring (bootstrap) and the command handlers."""
