"""Collect ``tests/lisp/*.scm`` files: every ``(deftest "name" ...)`` is one pytest item.

The file is run in a fresh interpreter, which registers its tests; each item
then calls its test's thunk.  Failures are reported as rendered sema errors
at ``file.scm:LINE``, not as Python tracebacks.
"""

from __future__ import annotations

import pytest

from sema.diagnostics import render
from sema.errors import SemaError


def pytest_collect_file(parent, file_path):
    if file_path.suffix == ".scm" and file_path.name.startswith("test"):
        return LispFile.from_parent(parent, path=file_path)
    return None


class LispFile(pytest.File):
    def collect(self):
        from sema.interpreter import Interpreter

        interp = Interpreter(llm=False)
        interp.load_file(str(self.path))
        for name, thunk, file, line in interp.tests:
            yield LispTest.from_parent(self, name=str(name), thunk=thunk, interp=interp, line=line)


class LispTest(pytest.Item):
    def __init__(self, *, thunk, interp, line, **kwargs):
        super().__init__(**kwargs)
        self.thunk = thunk
        self.interp = interp
        self.line = line

    def runtest(self):
        from sema.runtime.worker import run_with_deep_stack
        run_with_deep_stack(self.interp._run, self.thunk)  # Lisp errors come out as SemaErrors

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, SemaError):
            return render(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, self.line - 1, f"deftest {self.name}"
