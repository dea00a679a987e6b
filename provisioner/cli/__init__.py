"""The command-line interface: parse flags, choose the view, call a command, map the result to an exit code."""
