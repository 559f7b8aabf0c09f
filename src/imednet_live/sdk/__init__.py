"""The SDK under test: which build is selected and installed, and the one package that
knows how builds differ (compat/)."""
