;; A small unit-of-work macro and an unless, with their expansions.
(defmacro with-log (name . body)
  `(let ((result# (begin ,@body)))
     (println "[" ,name "]" result#)
     result#))

(defmacro my-unless (test . body)
  `(if ,test nil (begin ,@body)))

(with-log "sum" (+ 1 2 3))
(with-log "list" (list 'a 'b))
(println (my-unless #f 'ran) (my-unless #t 'ran))
(println (macroexpand '(my-unless ok (a) (b))))
(define result 7)
(println (with-log "shadow" (* result 6)))
