"""`python -m quotedeck`: the command line."""

from quotedeck.cli import main

main()
