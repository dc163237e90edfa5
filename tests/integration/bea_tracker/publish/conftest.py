"""Publishing tests use the daemon area's fixtures: a config on the local BEA, daemons()."""

from tests.integration.bea_tracker.daemon.conftest import (  # noqa: F401 - fixtures
    config_path,
    configure,
    daemons,
)
