"""The SDK under test: which build is selected and installed, and the one module that
knows how builds differ."""
