"""``python -m compare``: the workbench's command line."""

from compare.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
