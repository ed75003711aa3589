;; prelude.scm -- the part of sema's standard library written in sema itself.
;; Loaded into every interpreter at start-up (unless stdlib is disabled).

(define (compose . fs)
  "Compose functions right to left: ((compose f g) x) is (f (g x)).
  ((compose (fn (x) (* x 2)) inc) 3) ; => 8"
  (if (null? fs)
      identity
      (let ((f (car fs)) (g (apply compose (cdr fs))))
        (fn args (f (apply g args))))))

(define (inc x)
  "Add one to X.
  (inc 41) ; => 42"
  (+ x 1))

(define (dec x)
  "Subtract one from X.
  (dec 43) ; => 42"
  (- x 1))

(define (complement f)
  "A function returning the logical opposite of F.
  ((complement even?) 3) ; => #t"
  (fn args (not (apply f args))))

(define (constantly x)
  "A function that ignores its arguments and returns X.
  ((constantly 7) 1 2) ; => 7"
  (fn args x))

(define (juxt . fs)
  "A function returning the list of each F applied to its arguments.
  ((juxt inc dec) 5) ; => (6 4)"
  (fn args (map (fn (f) (apply f args)) fs)))

(define (partial f . bound)
  "F with its first arguments fixed to BOUND.
  ((partial + 10) 5) ; => 15"
  (fn args (apply f (append bound args))))

