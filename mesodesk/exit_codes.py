"""The exit codes of every mesodesk command: a stable interface (see design.md).

0 success, 1 unexpected failure, 2 invalid input, 3 clinically blocked. The command
line, the services' errors and the store's errors all take their codes from here.
"""

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_INVALID = 2
EXIT_BLOCKED = 3
