;; recursion.scm -- proper tail calls and deep recursion.
;; Mutual tail recursion a million deep runs in constant stack:
(define (my-even? n) (if (= n 0) #t (my-odd? (- n 1))))
(define (my-odd? n) (if (= n 0) #f (my-even? (- n 1))))
(println (my-even? 1000000))

;; Non-tail recursion 100,000 deep works too:
(define (sum-to n) (if (= n 0) 0 (+ n (sum-to (- n 1)))))
(println (sum-to 100000))

;; ... and going far deeper is a Lisp error, not a crash:
(println (try
           (sum-to 10000000)
           (catch e (:message e))))
