;; tour.scm -- a short tour of sema. Runs with no API key:
;;   python3 -m sema examples/tour.scm

(println "== numbers are exact until you ask otherwise")
(println (/ 10 4) (* 1.0 (/ 10 4)) (expt 2 100))

(println "== maps, vectors and keywords")
(define ada {:name "Ada" :born 1815 :langs ["math" "engines"]})
(println (:name ada) (get ada :born) (count (:langs ada)))
(println (assoc ada :field "computing"))

(println "== functions, closures and proper tail calls")
(define (make-counter)
  (let ((n 0))
    (fn () (set! n (+ n 1)) n)))
(define tick (make-counter))
(tick)
(tick)
(println "counter:" (tick))
(define (count-down n) (if (= n 0) 'done (count-down (- n 1))))
(println "a million tail calls:" (count-down 1000000))

(println "== destructuring, pattern matching, errors")
(let (([a b & more] '(1 2 3 4)))
  (println a b more))
(define (area shape)
  (match shape
    ([:circle r] (* 3 r r))
    ([:rect w h] (* w h))
    (_ (error "unknown shape" shape))))
(println (map area (list [:circle 1] [:rect 3 4])))
(println (try (area [:hexagon]) (catch e (:message e))))

(println "== calling a language model is just evaluation")
;; A provider written in Lisp: any function from a request map to a reply.
;; Swap it for a real one with (llm/set-default :openai) and OPENAI_API_KEY.
(llm/define-provider :shouty
  {:complete (fn (req)
               {:content (string/upper (:content (last (:messages req))))
                :usage {:prompt-tokens 3 :completion-tokens 3}})
   :default-model "shouty-1"})
(println (llm/complete "hello from sema"))
(println (llm/chat (list {:role :user :content "what model is this?"})))
(println "model:"
         (:model (llm/current-provider))
         "usage:"
         (:prompt-tokens (llm/session-usage)))
