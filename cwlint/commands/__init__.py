"""The subcommands of the ``cwlint`` command line, one module each."""
