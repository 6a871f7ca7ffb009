"""`python -m birnn_lint.cli`: the same as the `birnn-lint` command."""

from birnn_lint.cli import main

if __name__ == "__main__":
    main()
