"""Embedding sema in a Python program: the public API in one runnable tour.

Run it with:  python3 examples/embedding.py
"""

import asyncio
import os
import tempfile
import threading

import sema

# One-shot evaluation in a fresh interpreter.
assert sema.eval_string("(+ 1 2)") == 3

# An interpreter keeps its own definitions; two interpreters share nothing.
interp = sema.Interpreter(llm=False)
interp.eval('(define (greet n) (str "hi " n))')
print(interp.call("greet", "Ada"))                     # hi Ada

# Python values go into Lisp, and come back as plain Python data.
interp.define("threshold", 0.5)
interp.define("config", {"model": "tiny", "retries": 3})   # str keys become keywords
print(interp.eval("(list threshold (:model config) (:retries config))"))   # [0.5, 'tiny', 3]
print(interp.eval("{:name \"Ada\" :langs [\"math\"]}"))   # {'langs': ['math'], 'name': 'Ada'}

# A Python function as a Lisp builtin, and a Lisp function as a Python callable.
interp.register_function("py/upper", str.upper)
print(interp.eval('(py/upper "shout")'))               # SHOUT
square = interp.eval("(fn (x) (* x x))")
print(square(12))                                      # 144


# A Python LLM provider, usable from Lisp like any other.
class Reverser:
    name = "reverser"
    default_model = "rev-1"

    def complete(self, request):
        return request.messages[-1].content[::-1]


interp.register_provider("reverser", Reverser(), make_default=True)
print(interp.eval('(llm/complete "stressed")'))        # desserts

# Lisp errors are Python exceptions, with the Lisp position and a natural base class.
try:
    interp.eval("(car 5)", filename="inline.scm")
except sema.LispTypeError as err:
    assert isinstance(err, TypeError)
    print(f"{err.span}: {err.message}")                # inline.scm:1:1: car: expected a pair, got integer 5

# A runaway evaluation can be stopped by a timeout, or cancelled from another thread.
try:
    interp.eval("(let loop () (loop))", timeout=0.2)
except sema.EvalTimeoutError as err:
    print(err)                                         # evaluation timed out after 0.2 s
threading.Timer(0.2, interp.cancel).start()
try:
    interp.eval("(sleep 60000)")
except sema.EvalCancelledError as err:
    print(err)                                         # evaluation cancelled
print(interp.get("threshold"))                         # 0.5: the interpreter is still usable

# Keyword values compare equal to their names, and no map entry is ever lost.
print(interp.eval(":done") == "done", interp.eval('{:s 1 "s" 2}'))   # True {'s': 2, Keyword('s'): 1}

# From asyncio code: the event loop goes on while Lisp works.
print(asyncio.run(interp.aeval("(* 6 7)")))            # 42

# Code you did not write, in a sandbox: it may read one folder and nothing else.
box = tempfile.mkdtemp()
with open(os.path.join(box, "data.txt"), "w") as fh:
    fh.write("41")
guest = sema.Interpreter(llm=False, allow={"fs-read": [box]}, max_output=10_000)
print(guest.eval(f'(+ 1 (string->number (file/read "{box}/data.txt")))'))   # 42
for attempt in ['(shell "rm -rf ~")', f'(file/read "{box}/../../etc/passwd")']:
    try:
        guest.eval(attempt)
    except PermissionError as err:                     # sema.PermissionDenied
        print(err.capability, "denied")                # shell denied, then fs-read denied
