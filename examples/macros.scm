;; macros.scm -- defmacro, quasiquote and auto-gensyms.
(defmacro my-unless (test . body)
  `(if ,test nil (begin ,@body)))

(defmacro with-timing (label . body)
  ;; start# is a fresh symbol in every expansion: no capture
  `(let ((start# (time-ms))
         (result# (begin ,@body)))
     (println ,label "took" (- (time-ms) start#) "ms")
     result#))

(my-unless #f (println "my-unless works"))
(println (macroexpand '(my-unless done (launch))))
(define total (with-timing "summing" (apply + (range 0 1000))))
(println total)
