"""Run the command line as `python -m nafta_log`."""

from nafta_log._entry import main

main()
