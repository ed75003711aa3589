;; async_pipeline.scm -- a three-stage pipeline of tasks joined by channels:
;; a producer, a pool of workers, and a collector; then timeouts and cancellation.

(define (producer out items)
  (async
    (for-each (fn (x) (channel/send out x)) items)
    (channel/close out)
    :produced))

;; each worker squares numbers until its input is closed, then reports how many it did
(define (worker id in out)
  (async
    (let loop ((n 0))
      (let ((x (channel/recv in)))
        (if (nil? x)
            (list id n)
            (begin
              (async/sleep (* 2 (mod x 3))) ; uneven work: tasks interleave
              (channel/send out (list x (* x x)))
              (loop (+ n 1))))))))

(define (collector in count)
  (async
    (let loop ((acc '()) (left count))
      (if (= left 0)
          (sort-by first acc)
          (loop (cons (channel/recv in) acc) (- left 1))))))

(define items (range 1 11))
(define jobs (channel/new 2))
(define results (channel/new 4))

(define p (producer jobs items))
(define workers (map (fn (id) (worker id jobs results)) '(:w1 :w2 :w3)))
(define c (collector results (length items)))

(println "results:" (await c))
(println "producer:" (await p))
(println "jobs per worker add up:" (list/sum (map cadr (async/all workers))))

;; fan-out with a bound on concurrency, results in input order
(println
 "pool:"
 (async/pool-map (fn (x) (async/sleep (- 10 x)) (* 10 x)) '(1 2 3 4 5) 2))

;; the first answer wins; the slow one is cancelled
(define slow (async (async/sleep 500) :slow))
(define fast (async (async/sleep 5) :fast))
(println "race:" (async/race-owned (list slow fast)) (async/cancelled? slow))

;; a timeout cancels the task it gave up on
(println "timeout:"
         (try
           (async/timeout 20 (async (async/sleep 1000) :late))
           (catch e (:type e))))

;; errors travel to whoever awaits
(println "error:" (try (await (async (/ 1 0))) (catch e (:message e))))
