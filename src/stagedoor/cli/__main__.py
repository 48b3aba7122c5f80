"""`python -m stagedoor.cli`."""

from stagedoor.cli import main

main()
