;; An error three calls deep: the rendered error shows the innermost
;; position, the source line with a caret, and the Lisp call stack.
(define (parse-age s)
  (let ((n (string->number s)))
    (+ n 1)))

(define (load-person m)
  (list (:name m) (parse-age (:age m))))

(define (load-all people)
  (map load-person people))

(println "loading")
(load-all (list {:name "ada" :age "36"} {:name "bob" :age "unknown"}))
(println "not reached")
