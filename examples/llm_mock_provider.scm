;; A deterministic LLM provider written in Lisp: the way to test LLM code without a network.
;;
;;   sema examples/llm_mock_provider.scm
;;
;; llm/define-provider registers the provider and makes it the default, so every llm/* call
;; below goes through it.  Switching to a real API later is only (llm/set-default :openai).

(define replies (list "First response" "Second response"))
(define calls (atom 0))

(llm/define-provider :mock
  {:complete (fn (req)
               (let ((i (deref calls)))
                 (swap! calls (fn (n) (+ n 1)))
                 ;; a response map: only :content is needed, the other keys have defaults
                 {:content (nth replies (mod i (length replies)))
                  :usage {:prompt-tokens (length (:messages req))
                          :completion-tokens 2}}))
   :default-model "mock-v1"})

(println "provider:" (llm/current-provider))
(println "complete:" (llm/complete "anything"))
(println "chat:    "
         (llm/chat [{:role :system :content "Be brief."}
                    {:role :user :content "Hello?"}]))

;; the whole response map, for callers who need more than the text
(define resp
  (llm/request {:messages [{:role "user" :content "hi"}] :max-tokens 10}))
(println "request: " (:content resp) (:model resp) (:stop-reason resp))

;; streaming through a Lisp provider: the whole answer arrives as one chunk
(define chunks (atom '()))
(llm/stream "stream me" (fn (chunk) (swap! chunks (fn (cs) (cons chunk cs)))))
(println "stream:  " (reverse (deref chunks)))

;; batches keep the input order (Lisp providers are called one after the other)
(println "batch:   " (llm/batch ["a" "b" "c"]))

(println "usage:   "
         (:total-tokens (llm/session-usage))
         "tokens in"
         (:calls (llm/session-usage))
         "calls")
(assert= 7 (:calls (llm/session-usage)))
