"""`python -m cards` runs the command line."""

from cards.cli import main

main()
