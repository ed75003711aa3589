# interp.py -- CPython twin of benchmarks/programs/interp.scm: the AST as classes
# with __slots__, isinstance dispatch, environments as small dicts copied on bind.
# Its interpreted loop recurses like the Lisp one, so it runs with a deep stack.
import sys
import threading


class Num:
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


class Var:
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name


class Prim:
    __slots__ = ("op", "left", "right")

    def __init__(self, op, left, right):
        self.op, self.left, self.right = op, left, right


class If:
    __slots__ = ("test", "then", "orelse")

    def __init__(self, test, then, orelse):
        self.test, self.then, self.orelse = test, then, orelse


class Lam:
    __slots__ = ("params", "body")

    def __init__(self, params, body):
        self.params, self.body = params, body


class App:
    __slots__ = ("fn", "args")

    def __init__(self, fn, args):
        self.fn, self.args = fn, args


class Letrec:
    __slots__ = ("name", "value", "body")

    def __init__(self, name, value, body):
        self.name, self.value, self.body = name, value, body


class Closure:
    __slots__ = ("params", "body", "env")

    def __init__(self, params, body, env):
        self.params, self.body, self.env = params, body, env


PRIMITIVES = ("+", "-", "*", "<", "=")


def parse(x):
    if isinstance(x, int):
        return Num(x)
    if isinstance(x, str):
        return Var(x)
    head = x[0]
    if head == "if":
        return If(parse(x[1]), parse(x[2]), parse(x[3]))
    if head == "lambda":
        return Lam(x[1], parse(x[2]))
    if head == "letrec":
        return Letrec(x[1], parse(x[2]), parse(x[3]))
    if head in PRIMITIVES and len(x) == 3:
        return Prim(head, parse(x[1]), parse(x[2]))
    return App(parse(head), [parse(a) for a in x[1:]])


def apply_prim(op, a, b):
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "<":
        return a < b
    return a == b


def bind(env, params, args):
    env = env.copy()
    for p, a in zip(params, args):
        env[p] = a
    return env


def evaluate(node, env):
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Var):
        return env.get(node.name)
    if isinstance(node, Prim):
        return apply_prim(node.op, evaluate(node.left, env), evaluate(node.right, env))
    if isinstance(node, If):
        return evaluate(node.then, env) if evaluate(node.test, env) else evaluate(node.orelse, env)
    if isinstance(node, Lam):
        return Closure(node.params, node.body, env)
    if isinstance(node, App):
        f = evaluate(node.fn, env)
        args = [evaluate(a, env) for a in node.args]
        return evaluate(f.body, bind(f.env, f.params, args))
    if isinstance(node, Letrec):
        c = evaluate(node.value, env)
        env2 = dict(env)
        env2[node.name] = c
        c.env = env2
        return evaluate(node.body, env2)
    raise ValueError("unknown node")


def count_nodes(node):
    if isinstance(node, Prim):
        return 1 + count_nodes(node.left) + count_nodes(node.right)
    if isinstance(node, If):
        return 1 + count_nodes(node.test) + count_nodes(node.then) + count_nodes(node.orelse)
    if isinstance(node, Lam):
        return 1 + count_nodes(node.body)
    if isinstance(node, App):
        return 1 + count_nodes(node.fn) + sum(count_nodes(a) for a in node.args)
    if isinstance(node, Letrec):
        return 1 + count_nodes(node.value) + count_nodes(node.body)
    return 1


FIB = ["letrec", "fib", ["lambda", ["n"], ["if", ["<", "n", 2], "n",
                                          ["+", ["fib", ["-", "n", 1]], ["fib", ["-", "n", 2]]]]], ["fib", 20]]
SUM = ["letrec", "sum", ["lambda", ["i", "acc"], ["if", ["=", "i", 0], "acc",
                                                 ["sum", ["-", "i", 1], ["+", "acc", "i"]]]], ["sum", 20000, 0]]
ACK = ["letrec", "ack", ["lambda", ["m", "n"],
                         ["if", ["=", "m", 0], ["+", "n", 1],
                          ["if", ["=", "n", 0], ["ack", ["-", "m", 1], 1],
                           ["ack", ["-", "m", 1], ["ack", "m", ["-", "n", 1]]]]]], ["ack", 2, 9]]


def main():
    programs = [parse(p) for p in (FIB, SUM, ACK)]
    print("fib", evaluate(programs[0], {}))
    print("sum", evaluate(programs[1], {}))
    print("ack", evaluate(programs[2], {}))
    print("nodes", sum(count_nodes(p) for p in programs))


sys.setrecursionlimit(1_000_000)
threading.stack_size(512 * 1024 * 1024)
worker = threading.Thread(target=main)
worker.start()
worker.join()
