;; records_and_match.scm -- records, pattern matching, errors.
(define-record-type point
  (make-point x y)
  point?
  (x point-x)
  (y point-y))

(define (shape-area shape)
  (match shape
    ([:circle r] (* 3 r r))
    ([:rect w h] (* w h))
    ({:kind :square :side s} (* s s))
    (_ (error "unknown shape:" shape))))

(println (map shape-area
              (list [:circle 2] [:rect 3 4] {:kind :square :side 5})))

(define p (make-point 3 4))
(println (point? p) (point-x p) (type p))

;; errors are values you can catch and inspect
(define result
  (try
    (shape-area [:triangle 1 2 3])
    (catch e (list (:type e) (:message e)))
    (finally (println "cleaned up"))))
(println result)
