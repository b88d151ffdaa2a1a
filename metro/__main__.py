"""``python -m metro``: the same command line as the ``metro`` script."""

from metro.cli import main

main()
