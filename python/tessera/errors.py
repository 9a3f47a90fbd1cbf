"""Tessera's exceptions.

Every failure Tessera reports is a ``tessera.Error``; arguments of the wrong
Python type raise ``TypeError`` and values that cannot be right (a wrong
shape, an unknown target) ``ValueError``, as Python's own functions do.
"""


class Error(Exception):
    """Base class of Tessera's errors."""


class CompileError(Error):
    """A program did not compile (or parse, or import).

    ``diagnostics`` holds the compiler's located messages
    (``tessera.compiler.Diagnostic``: file, line, column, severity,
    message, phase, pass_name, notes); ``str(error)`` prints them as
    ``file:line:col: error: message`` lines, the format every tool prints.
    """

    def __init__(self, message, diagnostics=()):
        super().__init__(message)
        self.diagnostics = list(diagnostics)

    def __reduce__(self):
        # Pickled with its diagnostics (process pools send errors back).
        return (type(self), (self.args[0], self.diagnostics))


class CompileWarning(UserWarning):
    """A warning the compiler reported while compiling."""


class LoadError(Error):
    """A module file or its bytes could not be read, verified or loaded."""


class DeviceError(Error):
    """A device name was malformed, or the device could not be opened."""


class CallError(Error):
    """The runtime refused or failed a call (its message says why)."""
