"""One module per `lexwatch` subcommand."""
