"""The test harness, imported as ``tests.support.<module>`` (never as a bare module):

- ``cli``: one way to run ``bea-tracker`` (in-process, or its own process for the commands
  that run Twisted's reactor), and the one ``BEA_TRACKER`` path;
- ``daemon``: ``bea-tracker run`` as a child process, started and stopped on readiness;
- ``servers``: the fixtures ``bea`` (local BEA), ``smtp`` (SMTP sink), ``hooks`` (webhook
  receiver), ``closed_port``; loaded for every test by tests/conftest.py;
- ``waiting``: ``wait_until(check, timeout)``, the only way tests wait for something.
"""
