"""Documentation of the special forms and derived forms (shown by ``(doc if)``).

Each entry: the call shape (first line, alternatives may follow), a blank
line, one paragraph on what the form does as implemented, a blank line, and
example lines ``(expr) ; => result`` that tests/test_special_docs.py runs,
each in a fresh interpreter.  Aliases (``def``, ``fn``, ``progn`` ...) have
their own entries so that ``(doc fn)`` works too.
"""

from __future__ import annotations

from textwrap import dedent


def _entry(text: str) -> str:
    return dedent(text).strip() + "\n"


def _alias(name: str, target: str, shape: str, examples: str) -> str:
    """The entry of ``name``, another name for ``target``."""
    about = f"Another name for `{target}`: it behaves exactly the same; see (doc {target})."
    return f"{shape}\n\n{about}\n\n{dedent(examples).strip()}\n"


SPECIAL_DOCS: dict[str, str] = {}

# ---------------------------------------------------------------- quoting

SPECIAL_DOCS["quote"] = _entry("""
    (quote datum)
    'datum

    Return DATUM itself, unevaluated: symbols stay symbols and lists stay lists (the same object each
    time the form runs, so do not mutate it). 'x is read as (quote x). Numbers, strings, keywords and
    other self-evaluating values need no quote.

    (quote (a b c)) ; => (a b c)
    'sym ; => sym
    '(1 (+ 1 1) . tail) ; => (1 (+ 1 1) . tail)
    '[a {:k b}] ; => [a {:k b}]
    ''x ; => (quote x)
    """)

SPECIAL_DOCS["quasiquote"] = _entry("""
    (quasiquote template)
    `template

    Build TEMPLATE like quote, except that ,expr (unquote) inserts the value of expr and ,@expr
    (unquote-splicing) inserts the elements of a list or vector. Works inside lists, dotted lists,
    vectors and maps, and nests (an inner ` raises the level, so its unquotes stay as data). A symbol
    ending in # (auto-gensym, e.g. tmp#) becomes a fresh symbol that is the same everywhere in one
    template and never clashes with user names: the way to write hygienic macros.

    `(1 ,(+ 1 1) ,@(list 3 4)) ; => (1 2 3 4)
    `(a . ,(+ 1 2)) ; => (a . 3)
    `[x ,(* 2 3)] ; => [x 6]
    `{:sum ,(+ 1 2)} ; => {:sum 3}
    `(1 `(2 ,(3 ,(+ 1 3)))) ; => (1 (quasiquote (2 (unquote (3 4)))))
    (let ((g `(t# t#))) (eq? (car g) (cadr g))) ; => #t
    """)

SPECIAL_DOCS["unquote"] = _entry("""
    (unquote expr)
    ,expr

    Inside a quasiquote template, replace itself with the value of EXPR. Outside a quasiquote it is a
    syntax error ("only allowed inside a quasiquote").

    `(x ,(+ 1 2)) ; => (x 3)
    (let ((n 5)) `(n is ,n)) ; => (n is 5)
    (quasiquote (a (unquote (* 2 3)))) ; => (a 6)
    """)

SPECIAL_DOCS["unquote-splicing"] = _entry("""
    (unquote-splicing expr)
    ,@expr

    Inside a quasiquote template, splice the elements of EXPR (a list or vector) into the surrounding
    list or vector. An empty list splices nothing; a non-sequence is a type error. Outside a
    quasiquote, or directly as the whole template, it is a syntax error.

    `(1 ,@(list 2 3) 4) ; => (1 2 3 4)
    `(1 ,@'() 2) ; => (1 2)
    `[0 ,@[1 2]] ; => [0 1 2]
    """)

# ---------------------------------------------------------------- definition

SPECIAL_DOCS["define"] = _entry("""
    (define name value)
    (define (name param ... . rest) body ...)
    (define name "docstring" value)
    (define pattern value)

    Bind NAME to VALUE. At top level it defines (or redefines) a global; inside a body (lambda, let,
    begin of a body) it defines a local visible in the whole body. (define (f a b) body ...) is short
    for (define f (lambda (a b) body ...)); a string first in a body of more than one form is the
    docstring shown by doc; curried shapes (define ((f a) b) ...) nest lambdas. (define name) binds
    nil. With a vector or map pattern as target it destructures, like let. Redefining a builtin
    works: later code calls the new definition. The value of a define form is nil.

    (define x 10) (* x 2) ; => 20
    (define (add a b) (+ a b)) (add 2 3) ; => 5
    (define (f a . rest) (list a rest)) (f 1 2 3) ; => (1 (2 3))
    (define ((adder n) x) (+ n x)) ((adder 3) 4) ; => 7
    (define [a b & more] '(1 2 3 4)) (list a b more) ; => (1 2 (3 4))
    (define {:keys [host port]} {:host "h" :port 80}) port ; => 80
    (define y 1) ; => nil
    """)

SPECIAL_DOCS["def"] = _alias("def", "define", "(def name value)", """
    (def x 42) x ; => 42
    (def (twice x) (* 2 x)) (twice 21) ; => 42
    """)

SPECIAL_DOCS["set!"] = _entry("""
    (set! name value)

    Assign VALUE to the existing variable NAME: a local (also one captured by a closure, which then
    sees the change) or a global. NAME must be a symbol. A name that is not bound anywhere becomes a
    new global (sema does not reject it). The value of the form is nil.

    (define x 1) (set! x 2) x ; => 2
    (let ((n 0)) (set! n (+ n 1)) n) ; => 1
    (define counter (let ((n 0)) (fn () (set! n (+ n 1)) n))) (counter) (counter) ; => 2
    (define z 0) (set! z 5) ; => nil
    """)

SPECIAL_DOCS["defn"] = _entry("""
    (defn name (param ...) body ...)
    (defn name [param ...] body ...)

    Define the function NAME: (defn f (x) body) is (define f (lambda (x) body)). Parameters may be a
    list or a vector and may use . rest, & rest and destructuring patterns, as in lambda. A leading
    string in a body of more than one form is skipped as a docstring.

    (defn square (x) (* x x)) (square 5) ; => 25
    (defn add [a b] (+ a b)) (add 1 2) ; => 3
    (defn head-tail [[h & t]] (list h t)) (head-tail [1 2 3]) ; => (1 (2 3))
    """)

SPECIAL_DOCS["defun"] = _alias("defun", "defn", "(defun name (param ...) body ...)", """
    (defun cube (x) "Cube X." (* x x x)) (cube 3) ; => 27
    """)

SPECIAL_DOCS["define-values"] = _entry("""
    (define-values (name ...) expression)

    Evaluate EXPRESSION, which returns multiple values (values a b ...), and define each NAME to the
    value at its position. A single non-multiple value counts as one value. The formals may end in a
    rest name, (a . rest), which gets the remaining values as a list; otherwise the count must match
    exactly (an arity error names define-values). The value of the form is nil.

    (define-values (q r) (values 7 2)) (list q r) ; => (7 2)
    (define-values (x) 5) x ; => 5
    (define-values (a . more) (values 1 2 3)) (list a more) ; => (1 (2 3))
    """)

SPECIAL_DOCS["define-record-type"] = _entry("""
    (define-record-type name (constructor field ...) predicate (field accessor [modifier]) ...)

    Define a record type (SRFI 9). NAME may be written <point> or point; the brackets are dropped in
    the type's name. CONSTRUCTOR takes the listed fields in order (fields not listed start as nil; a
    bare symbol instead of (constructor field ...) takes all fields); PREDICATE tests for the type;
    each ACCESSOR reads a field and each MODIFIER sets it in place (returning nil). Accessors and
    modifiers given another value raise a type error. Records print as #<record name field=value ...>,
    (type r) is the type's name as a keyword, keywords look up fields ((:x p)), map patterns
    destructure them, and equal? compares them field by field. At top level NAME is also bound to the
    record type.

    (define-record-type point (make-point x y) point? (x point-x) (y point-y)) (point-y (make-point 1 2)) ; => 2
    (define-record-type <point> (make-point x y) point? (x px) (y py)) (make-point 1 2) ; => #<record point 1 2>
    (define-record-type cell (cell* v) cell? (v cell-v set-v!)) (define c (cell* 1)) (set-v! c 10) (cell-v c) ; => 10
    (define-record-type point (make-point x y) point? (x px) (y py)) (type (make-point 1 2)) ; => :point
    (define-record-type point (make-point x y) point? (x px) (y py)) (:x (make-point 3 4)) ; => 3
    (define-record-type node (make-node val) node? (val node-val) (next node-next)) (node-next (make-node 1)) ; => nil
    """)

# ---------------------------------------------------------------- functions

SPECIAL_DOCS["lambda"] = _entry("""
    (lambda (param ...) body ...)
    (lambda (param ... . rest) body ...)
    (lambda [param ... & rest] body ...)
    (lambda args body ...)

    Make a function (a closure over the variables in scope). Parameters may be a list or a vector; a
    rest parameter after . or & collects the remaining arguments into a list; a lone symbol takes all
    arguments as a list. A parameter may be a destructuring pattern ([a b], {:keys [k]}). Duplicate
    parameter names are a syntax error. The body's last form gives the value and is in tail position;
    a string first in a body of more than one form is the docstring. Calling with the wrong number of
    arguments raises an arity error.

    ((lambda (x y) (+ x y)) 1 2) ; => 3
    ((lambda args args) 1 2 3) ; => (1 2 3)
    ((lambda (a . rest) rest) 1 2 3) ; => (2 3)
    ((lambda [a & rest] (list a rest)) 1 2 3) ; => (1 (2 3))
    ((lambda ([a b] {:keys [c]}) (list a b c)) [1 2] {:c 3}) ; => (1 2 3)
    (try ((lambda (x) x)) (catch e (:type e))) ; => :arity
    """)

SPECIAL_DOCS["fn"] = _alias("fn", "lambda", "(fn (param ...) body ...)", """
    ((fn (x) (* x x)) 7) ; => 49
    ((fn [x y] (list y x)) 1 2) ; => (2 1)
    (map (fn (i) (+ i 1)) '(1 2 3)) ; => (2 3 4)
    """)

# ---------------------------------------------------------------- binding

SPECIAL_DOCS["let"] = _entry("""
    (let ((name value) ...) body ...)
    (let [name value ...] body ...)
    (let loop-name ((var init) ...) body ...)

    Evaluate the VALUEs in order in the outer scope, bind them all at once (no binding sees another),
    then run BODY and return its last value. Bindings are written ((a 1) (b 2)), ([a 1] [b 2]) or
    [a 1 b 2]; (a) or a bare a binds nil. A name may be a destructuring pattern ([x y], {:keys [k]}).
    Named let: (let loop ((i 0)) ... (loop (+ i 1))) binds LOOP-NAME to a local function of the
    variables and calls it with the inits; calls of it in tail position are compiled to a loop, so
    it iterates in constant stack.

    (let ((x 1) (y 2)) (+ x y)) ; => 3
    (let [x 1 y 2] (* x y)) ; => 2
    (let ((x 1)) (let ((x 10) (y x)) y)) ; => 1
    (let (([a b] '(1 2)) ({:keys [c]} {:c 3})) (+ a b c)) ; => 6
    (let loop ((i 0) (acc '())) (if (= i 3) (reverse acc) (loop (+ i 1) (cons i acc)))) ; => (0 1 2)
    (let loop ((i 0)) (if (< i 1000000) (loop (+ i 1)) i)) ; => 1000000
    """)

SPECIAL_DOCS["let*"] = _entry("""
    (let* ((name value) ...) body ...)

    Like let, but binds one at a time, so each VALUE sees the names bound before it. The same binding
    shapes and destructuring patterns as let are accepted.

    (let* ((x 1) (y (+ x 1))) (* x y)) ; => 2
    (let* [a 2 b (* a a)] b) ; => 4
    (let* (([a b] [1 2]) (c (+ a b))) c) ; => 3
    """)

SPECIAL_DOCS["letrec"] = _entry("""
    (letrec ((name value) ...) body ...)

    Bind the NAMEs in a scope that the VALUEs themselves see, so local functions can call themselves
    and each other (mutual recursion). The values are evaluated in order (letrec is letrec* in sema),
    so a value may use a name bound before it. Names must be symbols (no patterns).

    (letrec ((ev? (fn (n) (if (= n 0) #t (od? (- n 1))))) (od? (fn (n) (and (> n 0) (ev? (- n 1)))))) (ev? 9)) ; => #f
    (letrec ((fact (fn (n) (if (= n 0) 1 (* n (fact (- n 1))))))) (fact 10)) ; => 3628800
    """)

SPECIAL_DOCS["letrec*"] = _alias("letrec*", "letrec", "(letrec* ((name value) ...) body ...)", """
    (letrec* ((a 1) (b (+ a 1))) b) ; => 2
    """)

SPECIAL_DOCS["let-values"] = _entry("""
    (let-values (((name ...) expression) ...) body ...)
    (let-values ((name expression)) body ...)

    Bind the multiple values returned by each EXPRESSION to the NAMEs of its formals list, then run
    BODY. A lone symbol as formals takes all the values as a list, and dotted formals (a . rest) take
    the remaining values as a list. All expressions are evaluated before any name is bound (use
    let*-values when a clause needs the names of the clauses before it).

    (let-values (((q r) (values 7 2)) ((x) (values 1))) (list q r x)) ; => (7 2 1)
    (let-values ((all (values 1 2 3))) all) ; => (1 2 3)
    (let-values (((a . rest) (values 1 2 3))) rest) ; => (2 3)
    """)

SPECIAL_DOCS["let*-values"] = _entry("""
    (let*-values (((name ...) expression) ...) body ...)

    Like let-values: each clause's EXPRESSION sees the names bound by the clauses before it.

    (let*-values (((a b) (values 1 2)) ((c) (values (+ a b)))) c) ; => 3
    """)

SPECIAL_DOCS["receive"] = _entry("""
    (receive formals expression body ...)

    SRFI 8: bind the multiple values of EXPRESSION to FORMALS (a list of names, or one symbol for all
    values as a list) and run BODY. Short for (let-values ((formals expression)) body ...).

    (receive (a b) (values 1 2) (+ a b)) ; => 3
    (receive all (values 1 2 3) all) ; => (1 2 3)
    """)

SPECIAL_DOCS["parameterize"] = _entry("""
    (parameterize ((param value) ...) body ...)

    Run BODY with each parameter object (made by make-parameter) set to VALUE, passed through the
    parameter's converter if it has one, and restore the old values afterwards, also when BODY
    raises. Returns BODY's last value.

    (define p (make-parameter 10)) (list (p) (parameterize ((p 20)) (p)) (p)) ; => (10 20 10)
    (define p (make-parameter 1 (fn (x) (* x 100)))) (parameterize ((p 2)) (p)) ; => 200
    """)

# ---------------------------------------------------------------- conditionals

SPECIAL_DOCS["if"] = _entry("""
    (if test then [else])

    Evaluate TEST; if it is true evaluate THEN, otherwise ELSE (nil when there is no ELSE). Only #f
    and nil are false: 0, "", () and [] are true. THEN and ELSE are in tail position. More than three
    operands is a syntax error.

    (if (> 3 2) 'yes 'no) ; => yes
    (if #f 'yes) ; => nil
    (if 0 'yes 'no) ; => yes
    (if '() 'yes 'no) ; => yes
    (if nil 'yes 'no) ; => no
    """)

SPECIAL_DOCS["cond"] = _entry("""
    (cond (test body ...) ... [(else body ...)])

    Try each clause in order and run the body of the first whose TEST is true, returning its last
    value. A clause (test => f) calls F with the test's value; a clause with only a test returns the
    test's value. else must be the last clause. No true clause: nil.

    (cond ((< 5 3) 'less) ((> 5 3) 'more) (else 'same)) ; => more
    (cond (#f 1)) ; => nil
    (cond ((assv 2 '((1 . one) (2 . two))) => cdr) (else 'none)) ; => two
    (cond ((+ 1 2))) ; => 3
    """)

SPECIAL_DOCS["case"] = _entry("""
    (case key ((datum ...) body ...) ... [(else body ...)])

    Evaluate KEY once and run the first clause whose datums (not evaluated) contain a value equal to
    it, compared with equal? (so strings, lists and 1 vs 1.0 match too). A clause may give a single
    datum without parentheses. No match and no else: nil.

    (case (* 2 3) ((2 3 5 7) 'prime) ((1 4 6 8 9) 'composite) (else 'other)) ; => composite
    (case :b ((:a) 1) ((:b :c) 2)) ; => 2
    (case "x" (("x") 'string) (else 'no)) ; => string
    (case 'z ((a) 1)) ; => nil
    """)

SPECIAL_DOCS["when"] = _entry("""
    (when test body ...)

    If TEST is true, run BODY and return its last value; otherwise return nil.

    (when (> 3 1) 'a 'b) ; => b
    (when #f 'a) ; => nil
    """)

SPECIAL_DOCS["unless"] = _entry("""
    (unless test body ...)

    If TEST is false (#f or nil), run BODY and return its last value; otherwise return nil.

    (unless #f 'a 'b) ; => b
    (unless 1 'a) ; => nil
    """)

SPECIAL_DOCS["and"] = _entry("""
    (and expr ...)

    Evaluate the EXPRs left to right; stop at the first false one (#f or nil) and return it,
    otherwise return the last value. (and) is #t. The last expression is in tail position.

    (and 1 2 3) ; => 3
    (and 1 #f 3) ; => #f
    (and 1 nil) ; => nil
    (and) ; => #t
    """)

SPECIAL_DOCS["or"] = _entry("""
    (or expr ...)

    Evaluate the EXPRs left to right and return the first true value (not #f or nil) without
    evaluating the rest; if none is true, return the last value. (or) is #f.

    (or #f nil 3) ; => 3
    (or #f nil) ; => nil
    (or) ; => #f
    """)

SPECIAL_DOCS["when-let"] = _entry("""
    (when-let (name value) body ...)
    (when-let [name value] body ...)

    Evaluate VALUE; unless it is nil, bind it to NAME (a symbol or a destructuring pattern) and run
    BODY. The test is for nil only: #f still runs the body. Returns nil when VALUE is nil.

    (when-let (x (get {:a 1} :a)) (+ x 10)) ; => 11
    (when-let [x (get {:a 1} :b)] (+ x 10)) ; => nil
    (when-let (x #f) (list x)) ; => (#f)
    """)

SPECIAL_DOCS["if-let"] = _entry("""
    (if-let (name value) then [else])

    Evaluate VALUE; unless it is nil, bind it to NAME and evaluate THEN, otherwise evaluate ELSE
    (nil when absent). Like when-let, only nil counts as missing.

    (if-let (x (get {:a 1} :a)) (* x 100) 'none) ; => 100
    (if-let (x nil) x 'none) ; => none
    (if-let [x #f] (list x) 'none) ; => (#f)
    """)

# ---------------------------------------------------------------- sequencing and loops

SPECIAL_DOCS["begin"] = _entry("""
    (begin form ...)

    Evaluate the FORMs in order and return the value of the last ((begin) is nil). At top level the
    forms are top-level forms, so definitions in them are globals; in a body, defines are locals of
    that body.

    (begin 1 2 3) ; => 3
    (begin) ; => nil
    (begin (define a 1) (define b (+ a 1)) b) ; => 2
    """)

SPECIAL_DOCS["progn"] = _alias("progn", "begin", "(progn form ...)", """
    (progn (define x 5) (* x 2)) ; => 10
    """)

SPECIAL_DOCS["do"] = _entry("""
    (do ((var init [step]) ...) (test result ...) body ...)

    Loop: bind each VAR to INIT; then, as long as TEST is false, run BODY and rebind every VAR to its
    STEP (all at once; a VAR without STEP keeps its value). When TEST is true, evaluate the RESULT
    forms and return the last (nil if there are none). Runs as a loop in constant stack.

    (do ((i 0 (+ i 1)) (acc '() (cons i acc))) ((= i 4) acc)) ; => (3 2 1 0)
    (do ((i 0 (+ i 1))) ((= i 3))) ; => nil
    (define v (atom 0)) (do ((i 0 (+ i 1))) ((= i 5) @v) (swap! v + i)) ; => 10
    """)

SPECIAL_DOCS["while"] = _entry("""
    (while test body ...)

    Run BODY again and again as long as TEST is true. Returns nil.

    (define i 0) (while (< i 5) (set! i (+ i 1))) i ; => 5
    (while #f 'never) ; => nil
    """)

SPECIAL_DOCS["dotimes"] = _entry("""
    (dotimes (var count [result]) body ...)

    Run BODY COUNT times with VAR bound to 0, 1, ... COUNT-1 (COUNT is evaluated once), then return
    RESULT (nil when absent).

    (define acc (atom '())) (dotimes (i 3) (swap! acc (fn (l) (cons i l)))) @acc ; => (2 1 0)
    (dotimes (i 3 'done) i) ; => done
    """)

SPECIAL_DOCS["for-range"] = _entry("""
    (for-range (var start end) body ...)

    Run BODY with VAR bound to START, START+1, ... up to but not including END (evaluated once).
    Returns nil.

    (define total (atom 0)) (for-range (i 1 5) (swap! total + i)) @total ; => 10
    (for-range (i 0 3) i) ; => nil
    """)

# ---------------------------------------------------------------- threading

SPECIAL_DOCS["->"] = _entry("""
    (-> value form ...)

    Thread first: insert VALUE as the first argument of the first FORM, that result as the first
    argument of the next, and so on. A FORM that is not a list (a function name, a keyword) is called
    with the value alone.

    (-> 5 (- 2) (* 10)) ; => 30
    (-> {:a {:b 1}} :a :b) ; => 1
    (-> 1 inc (+ 10) str) ; => "12"
    """)

SPECIAL_DOCS["->>"] = _entry("""
    (->> value form ...)

    Thread last: like ->, but VALUE goes in as the last argument of each FORM, which suits the
    sequence functions (map, filter, reduce ...).

    (->> 5 (- 2) (* 10)) ; => -30
    (->> (range 10) (filter even?) (map (fn (x) (* x x)))) ; => (0 4 16 36 64)
    """)

SPECIAL_DOCS["as->"] = _entry("""
    (as-> value name form ...)

    Bind NAME to VALUE, then to the result of each FORM in turn, so the value can go anywhere in
    each form. Returns the last result (VALUE when there are no forms).

    (as-> 5 x (+ x 1) (* x x) (- x 1)) ; => 35
    (as-> [1 2 3] v (map inc v) (apply + v)) ; => 9
    """)

SPECIAL_DOCS["some->"] = _entry("""
    (some-> value form ...)

    Like -> but stops and returns nil as soon as a step gives nil (only nil: #f is threaded on).

    (some-> {:a {:b 2}} :a :b inc) ; => 3
    (some-> {:a nil} :a :b inc) ; => nil
    (some-> #f not) ; => #t
    """)

SPECIAL_DOCS["some->>"] = _entry("""
    (some->> value form ...)

    Like ->> but stops and returns nil as soon as a step gives nil.

    (some->> [1 2 3] (map inc) (reduce +)) ; => 9
    (some->> nil (map inc)) ; => nil
    """)

# ---------------------------------------------------------------- errors

SPECIAL_DOCS["try"] = _entry("""
    (try body ... [(catch name handler ...)] [(finally cleanup ...)])

    Run BODY and return its last value. If it raises any sema error (throw, error, raise, a type,
    arity or unbound-symbol error, a failed assert ...) and there is a catch clause, bind NAME to the
    error map {:type :message :stack-trace ...} (:value for throw/raise, :name for
    unbound symbols; a thrown map that has a :type is passed on as it is) and return the handler's
    value. The finally forms always run last, on success, on error and after the handler; their
    value is ignored. At most one catch, which must come before the one finally. Errors raised while
    compiling a form (a malformed special form) cannot be caught by a try in the same form.

    (try (/ 1 0) (catch e (:type e))) ; => :eval
    (try (throw {:code 42}) (catch e (:value e))) ; => {:code 42}
    (try (error "bad" 1 2) (catch e (:message e))) ; => "bad 1 2"
    (try (undefined-thing) (catch e (list (:type e) (:name e)))) ; => (:unbound "undefined-thing")
    (try 5 (catch e 0)) ; => 5
    (define n (atom 0)) (try (reset! n 1) (finally (swap! n * 10))) @n ; => 10
    (define n (atom 0)) (try (try (throw 1) (finally (reset! n 5))) (catch e @n)) ; => 5
    (try (throw {:type :my-error :message "custom"}) (catch e e)) ; => {:message "custom" :type :my-error}
    """)

SPECIAL_DOCS["assert-eq"] = _entry("""
    (assert-eq expected actual)

    Check that ACTUAL equals EXPECTED (with equal?); return #t, or raise a :user error "assertion
    failed: expected X, got Y". Short for (assert= expected actual).

    (assert-eq 4 (+ 2 2)) ; => #t
    (try (assert-eq 4 5) (catch e (:message e))) ; => "assertion failed: expected 4, got 5"
    """)

# ---------------------------------------------------------------- pattern matching

SPECIAL_DOCS["match"] = _entry("""
    (match value (pattern [when guard] body ...) ...)

    Evaluate VALUE once and run the body of the first clause whose PATTERN matches (and whose GUARD,
    if any, is true with the pattern's variables bound); no body gives nil. Patterns: a symbol binds
    anything, _ matches anything, literals (numbers, strings, keywords, #t, nil) and 'datum match
    equal values, (a b) and [a b] match lists or vectors of exactly that length, [a & rest] binds the
    rest as a list, {:k pattern} matches a map that has key :k, {:keys [a b]} binds entries (nil when
    missing) and {:as m} the whole map; patterns nest. A repeated variable is not checked for
    equality. When no clause matches, match raises an :eval error "match: no clause matched ...".

    (match 5 (0 'zero) (n (* n 2))) ; => 10
    (match '(1 2 3) ((a b) 'two) ((a b c) (+ a b c))) ; => 6
    (match [1 2 3 4] ([first & rest] (list first rest))) ; => (1 (2 3 4))
    (match {:name "Ada" :age 36} ({:name n :age a} (list n a))) ; => ("Ada" 36)
    (match 7 (n when (even? n) 'even) (n 'odd)) ; => odd
    (match 'foo ('bar 1) ('foo 2)) ; => 2
    (try (match 42 ("x" 1)) (catch e (:message e))) ; => "match: no clause matched 42"
    """)

SPECIAL_DOCS["match*"] = _entry("""
    (match* value (pattern [when guard] body ...) ...)

    Like match, but returns nil instead of raising an error when no clause matches.

    (match* 42 ("x" 1)) ; => nil
    (match* [1 2] ([a b] (+ a b))) ; => 3
    """)

# ---------------------------------------------------------------- macros

SPECIAL_DOCS["defmacro"] = _entry("""
    (defmacro name (param ...) body ...)

    Define the macro NAME: when a later form (name arg ...) is compiled, BODY runs with the PARAMs
    bound to the unevaluated argument forms and the form it returns is compiled in place of the
    call. Parameters may be a list or vector, with . rest or & rest, or one symbol for all arguments;
    a leading docstring is skipped. The macro exists from the moment the defmacro form is compiled
    (also when written inside a body) and is global to the interpreter. Build the expansion with
    quasiquote, and use auto-gensyms (tmp#) for temporaries. Value: nil.

    (defmacro swap-args (f a b) `(,f ,b ,a)) (swap-args - 1 10) ; => 9
    (defmacro unless2 (test . body) `(if ,test nil (begin ,@body))) (unless2 #f 1 2) ; => 2
    (defmacro my-or (a b) `(let ((t# ,a)) (if t# t# ,b))) (let ((t 5)) (my-or #f t)) ; => 5
    (defmacro inc! (v) `(set! ,v (+ ,v 1))) (define n 1) (inc! n) n ; => 2
    (defmacro twice (e) `(begin ,e ,e)) (macroexpand '(twice (f))) ; => (begin (f) (f))
    """)

SPECIAL_DOCS["define-syntax"] = _entry("""
    (define-syntax name (syntax-rules (literal ...) (pattern template) ...))

    Define the macro NAME by patterns (R7RS syntax-rules): a call (name arg ...) is matched against
    each PATTERN in turn (its first element stands for NAME) and replaced by the TEMPLATE of the first
    that matches, with the pattern variables filled in. In patterns, _ matches anything, a LITERAL
    matches only itself, p ... matches zero or more forms (also followed by more patterns, a dotted
    tail, or nested), and [p ...] matches a vector. In templates, t ... repeats t once per match of
    its variables, t ... ... flattens, and (... ...) is a literal ellipsis. A different ellipsis can
    be named first: (syntax-rules etc () ...). Hygiene is by renaming binders: a variable the template
    itself binds (let, lambda, do) is renamed in each expansion, so it never captures a variable of
    the caller. Like defmacro, the macro is global and exists from this form on. Value: nil.

    (define-syntax swap! (syntax-rules () ((_ a b) (let ((tmp a)) (set! a b) (set! b tmp))))) (define tmp 1) (define y 2) (swap! tmp y) (list tmp y) ; => (2 1)
    (define-syntax my-or (syntax-rules () ((_) #f) ((_ e) e) ((_ e r ...) (let ((t e)) (if t t (my-or r ...)))))) (define t 5) (my-or #f t) ; => 5
    (define-syntax for (syntax-rules (in) ((_ x in xs body ...) (map (lambda (x) body ...) xs)))) (for n in '(1 2 3) (* n n)) ; => (1 4 9)
    (define-syntax flat (syntax-rules () ((_ (a ...) ...) '(a ... ...)))) (flat (1 2) (3)) ; => (1 2 3)
    """)

SPECIAL_DOCS["syntax-rules"] = _entry("""
    (syntax-rules (literal ...) (pattern template) ...)

    The pattern-and-template transformer of a define-syntax macro; it is written only there
    (see (doc define-syntax) for the patterns and templates).

    (define-syntax unless2 (syntax-rules () ((_ c body ...) (if c nil (begin body ...))))) (unless2 #f 1 2) ; => 2
    """)

# ---------------------------------------------------------------- laziness

SPECIAL_DOCS["delay"] = _entry("""
    (delay expression)

    Make a promise: EXPRESSION is not evaluated now but by the first force, which caches its value;
    later forces return the cached value without evaluating again.

    (force (delay (+ 1 2))) ; => 3
    (define p (delay (+ 1 2))) (list (promise-forced? p) (force p) (promise-forced? p)) ; => (#f 3 #t)
    (define n (atom 0)) (define p (delay (swap! n inc))) (force p) (force p) @n ; => 1
    """)

SPECIAL_DOCS["lazy"] = _alias("lazy", "delay", "(lazy expression)", """
    (force (lazy (* 6 7))) ; => 42
    """)

SPECIAL_DOCS["make-promise-lazy"] = _alias("make-promise-lazy", "delay", "(make-promise-lazy expression)", """
    (force (make-promise-lazy (* 6 7))) ; => 42
    """)

# ---------------------------------------------------------------- modules

SPECIAL_DOCS["module"] = _entry("""
    (module name [(export name ...)] body ...)

    Declare the file being loaded a module NAME: BODY runs as ordinary top-level forms, and when the
    file is imported only the exported names are visible to the importer (all top-level definitions
    and macros when there is no export clause, as for a file without a module form). In the file run
    directly the definitions are simply globals. Value: nil.

    (module greet (export hello) (define (hello who) (str "hi " who))) (hello "Ada") ; => "hi Ada"
    (module m (define x 1)) x ; => 1
    """)

SPECIAL_DOCS["import"] = _entry("""
    (import "path.scm" [name ...])

    Load the module file at PATH (relative paths are tried next to the importing file first) into its
    own isolated interpreter, once per path, and define here the NAMEs it exports (all its exports
    when no names are given). Importing a name that the module does not export is an error; a missing
    file is an :io error. Value: nil.

    (try (import "no-such-module.scm") (catch e (:type e))) ; => :io
    """)

# ---------------------------------------------------------------- testing and tools

SPECIAL_DOCS["deftest"] = _entry("""
    (deftest "name" body ...)

    Register a test: BODY becomes a function that the test runner calls later (the pytest plugin runs
    every deftest of tests/lisp/test*.scm); the test passes unless it raises. Defining it does not
    run it. Value: nil.

    (deftest "adds" (is (= 2 (+ 1 1)))) ; => nil
    """)

SPECIAL_DOCS["is"] = _entry("""
    (is expression [message])

    Check that EXPRESSION is true: return #t, or raise a :user error "expected EXPRESSION to be
    true" (quoting the unevaluated form, followed by ": MESSAGE" when given). Used inside deftest.

    (is (= 2 (+ 1 1))) ; => #t
    (try (is (= 3 (+ 1 1)) "math") (catch e (:message e))) ; => "expected (= 3 (+ 1 1)) to be true: math"
    """)

SPECIAL_DOCS["time"] = _entry("""
    (time expression)

    Evaluate EXPRESSION, print the elapsed wall-clock time to standard error as "elapsed: N ms", and
    return its value.

    (time (+ 1 2)) ; => 3
    """)

SPECIAL_DOCS["doc"] = _entry("""
    (doc name)

    Print the documentation of NAME (not evaluated when it is a symbol): a special form, a builtin
    with its call shape, a macro, or a function defined with a docstring. Returns nil.

    (doc car) ; => nil
    (doc if) ; => nil
    """)

SPECIAL_DOCS["llm/with-cache"] = _entry("""
    (llm/with-cache opts body ...)
    (llm/with-cache [opts] thunk)

    Evaluate BODY with every LLM call in it (llm/complete, llm/chat, llm/stream, llm/request) answered
    from the response cache when it can be: a repeated request (and, with :embed, a paraphrase) is
    answered from the store with zero usage instead of calling the provider. OPTS is a map of cache
    options or nil (see (doc llm/call-with-cache)); a call with {:cache #f} is not cached. Sema's
    shape, a thunk (fn () ...) after optional options, is accepted too.

    (llm/define-provider :n {:complete (let ((n (atom 0))) (fn (r) (str "answer " (swap! n inc))))}) (llm/with-cache {:namespace "doc"} (llm/cache-clear {:namespace "doc"}) (llm/complete "q") (llm/complete "q")) ; => "answer 1"
    (llm/define-provider :n {:complete (let ((n (atom 0))) (fn (r) (str "answer " (swap! n inc))))}) (llm/with-cache {} (llm/complete "q")) (llm/with-cache (fn () (llm/complete "q"))) ; => "answer 1"
    """)

# the AI layer's derived forms (prompt, deftool, defagent, with-retry) document themselves there
from ..ai.forms_docs import add_entries as _add_ai_entries  # noqa: E402

_add_ai_entries(SPECIAL_DOCS)
