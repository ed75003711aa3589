;; fizzbuzz.scm -- the classic, with cond and a named let.
(define (fizzbuzz n)
  (cond ((= 0 (modulo n 15)) "FizzBuzz")
        ((= 0 (modulo n 3)) "Fizz")
        ((= 0 (modulo n 5)) "Buzz")
        (else n)))

(let loop ((i 1))
  (when (<= i 15)
    (println (fizzbuzz i))
    (loop (+ i 1))))
