#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Commands and the background worker run without the web requests' statement
    # timeout (settings.DB_COMMAND_STATEMENT_TIMEOUT); runserver serves requests.
    os.environ.setdefault("PORTAL_PROCESS", "web" if sys.argv[1:2] == ["runserver"] else "command")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
