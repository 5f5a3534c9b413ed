"""Policy test suites: the runner, coverage, generated suites, case generator, pytest plugin."""
