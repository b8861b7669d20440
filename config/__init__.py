"""Settings: the TOML config of CONTRACT section 5, loaded once and checked whole."""
