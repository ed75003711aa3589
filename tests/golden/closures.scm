;; Closures: counters, generators, and per-iteration capture.
(define (make-counter start)
  (let ((n start))
    (fn () (set! n (+ n 1)) n)))

(define c1 (make-counter 0))
(define c2 (make-counter 100))
(c1) (c1)
(println "c1:" (c1) "c2:" (c2))

(define (make-gen xs)
  (fn ()
    (if (null? xs)
        :done
        (let ((x (car xs)))
          (set! xs (cdr xs))
          x))))

(define g (make-gen '(a b)))
(println (g) (g) (g) (g))

(define thunks
  (let loop ((i 0) (acc '()))
    (if (= i 4) (reverse acc) (loop (+ i 1) (cons (fn () (* i i)) acc)))))
(println (map (fn (t) (t)) thunks))

(define compose2 (fn (f g) (fn (x) (f (g x)))))
(println ((compose2 inc (fn (x) (* x 10))) 4))
(println (-> 5 (+ 1) (* 2) str))
