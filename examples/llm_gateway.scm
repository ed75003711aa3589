;; The gateway: automatic failover, the circuit breaker, structured output and usage accounting.
;;
;;   sema examples/llm_gateway.scm
;;
;; Three Lisp providers stand in for real vendors, so this runs with no key and no network:
;; swap them for (llm/configure :anthropic ...), (llm/configure :groq ...) and Ollama and
;; nothing else changes.

(define calls (atom 0))

;; a vendor that is rate-limited on its first two calls
(llm/define-provider :primary
  {:complete (fn (req)
               (swap! calls inc)
               (if (< @calls 3)
                   (throw {:status 429 :message "rate limit reached"})
                   {:content "primary is back"
                    :usage {:prompt-tokens 12 :completion-tokens 3}}))
   :default-model "big-model"})

;; a vendor that is down
(llm/define-provider :backup
  {:complete (fn (req) (throw {:status 503 :message "overloaded"}))
   :default-model "mid-model"})

;; a local model that always answers, in JSON when asked
(llm/define-provider :local
  {:complete (fn (req)
               (if (:response-format req)
                   "{\"city\": \"Paris\", \"population\": 2102650}"
                   {:content (str "local answer to: "
                                  (:content (last (:messages req))))
                    :usage {:prompt-tokens 8 :completion-tokens 6}}))
   :default-model "small-model"})

;; No llm/set-fallback needed: the default provider first, then the others in configuration order.
(llm/set-default :primary)
(llm/set-breaker {:failures 2 :cool-down 60})

(println "1:" (llm/complete "What is the capital of France?"))
(println "2:" (llm/complete "And of Italy?"))
;; :primary and :backup have now failed twice in a row: their circuits are open, failover skips them
(println "health:"
         (:state (:primary (llm/provider-health)))
         (:state (:backup (llm/provider-health))))
(println "3:" (llm/complete "And of Spain?"))
;; after the cool-down (or a reset) :primary is tried first again
(llm/set-breaker {:reset #t})
(println "4:" (llm/complete "And of Portugal?"))

;; Structured output: the answer is decoded and checked against the schema.
(define city-schema
  {:type "object"
   :properties {:city {:type "string"} :population {:type "integer"}}
   :required ["city" "population"]})
(define city
  (llm/request {:messages "Describe Paris as JSON."
                :provider :local
                :response-format {:schema city-schema}}))
(println "parsed:" (:parsed city))

;; Usage: one record per user call, billed to the provider that answered.
(define summary (llm/usage-summary))
(println "calls:"
         (:total-calls (:totals summary))
         "tokens:"
         (:total-tokens (:totals summary)))
(println "by model:" (sort (keys (:by-model summary))))
