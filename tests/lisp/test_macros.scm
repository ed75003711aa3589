;; test_macros.scm -- quasiquote, defmacro, macroexpand and gensym, tested from Lisp.
;; Macros must be defined at top level, so they come before the deftests using them.

(defmacro swap! (a b)
  `(let ((tmp# ,a))
     (set! ,a ,b)
     (set! ,b tmp#)))

(defmacro my-or (a b)
  `(let ((t# ,a))
     (if t# t# ,b)))

(defmacro unless2 (c . body)
  `(if ,c nil (begin ,@body)))

(defmacro my-list (& xs)
  `(list ,@xs))

(defmacro inc! (v)
  `(set! ,v (+ ,v 1)))

(defmacro defconst (name value)
  `(define ,name ,value))

(defmacro my-when (c . body)
  `(if ,c (begin ,@body) nil))

(defmacro my-unless (c . body)
  `(my-when (not ,c) ,@body))

(defmacro quote-form (x)
  `(quote ,x))

(defmacro twice (e)
  `(begin ,e ,e))

(defconst answer 42)

(deftest "quasiquote with unquote and splicing"
  (define xs '(2 3))
  (assert= '(1 2 3 4) `(1 ,@xs 4))
  (assert= '(1 2 (2 3)) `(1 ,(+ 1 1) ,xs))
  (assert= '(1 2) `(1 ,@'() 2)))

(deftest "quasiquote in vectors, maps and dotted tails"
  (define x 5)
  (assert= [1 5] `[1 ,x])
  (assert= {:a 5} `{:a ,x})
  (assert= '(a . 5) `(a . ,x)))

(deftest "nested quasiquote keeps inner unquotes"
  (define x 'a)
  (assert= '(1 `(2 ,(3 a))) `(1 `(2 ,(3 ,x)))))

(deftest "auto-gensym is one symbol per template"
  (define form `(x# x#))
  (is (eq? (car form) (cadr form)))
  (is (not (eq? (car form) 'x#))))

(deftest "a macro swapping two variables"
  (define p 1)
  (define q 2)
  (swap! p q)
  (assert= '(2 1) (list p q)))

(deftest "auto-gensym prevents capture"
  (define t 5)
  (assert= 5 (my-or #f t))
  (let ((tmp 1) (other 2))
    (swap! tmp other)
    (assert= '(2 1) (list tmp other))))

(deftest "macro rest parameters with . and &"
  (assert= 2 (unless2 #f 1 2))
  (assert= nil (unless2 #t 1 2))
  (assert= '(1 2 3) (my-list 1 2 3)))

(deftest "macros see forms, not values"
  (assert= '(+ 1 2) (quote-form (+ 1 2)))
  (define n 0)
  (twice (set! n (+ n 1)))
  (assert= 2 n))

(deftest "macros that set! and define"
  (define z 1)
  (inc! z)
  (inc! z)
  (assert= 3 z)
  (assert= 42 answer))

(deftest "macros expanding into macros"
  (assert= 2 (my-unless #f 1 2))
  (assert= nil (my-unless #t 1 2)))

(deftest "macroexpand and macroexpand-1"
  (assert= '(if x nil (begin 1 2)) (macroexpand '(unless2 x 1 2)))
  (assert= '(my-when (not c) 1) (macroexpand-1 '(my-unless c 1)))
  (assert= '(if (not c) (begin 1) nil) (macroexpand '(my-unless c 1)))
  (assert= '(+ 1 2) (macroexpand '(+ 1 2))))

(deftest "gensym makes fresh symbols"
  (define a (gensym))
  (define b (gensym))
  (is (symbol? a))
  (is (not (eq? a b)))
  (is (string/starts-with? (symbol->string (gensym "tmp")) "tmp")))

(deftest "eval of generated code"
  (define code `(let ((v ,(* 6 7))) (list v v)))
  (assert= '(42 42) (eval code)))
