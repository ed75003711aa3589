;; A provider that routes by model name: one entry point, several back ends.
;;
;;   sema examples/llm_routing_provider.scm
;;
;; The request map's :model picks the handler.  "router/summarize" selects the :router provider
;; and the model "summarize" in one name, whatever the default provider is.

(define (last-user-text req)
  (:content (last (:messages req))))

(define routes
  {"echo" (fn (req) (last-user-text req))
   "shout" (fn (req) (string/upper (last-user-text req)))
   "summarize" (fn (req)
                 (let ((words (string/split (last-user-text req) " ")))
                   {:content (string/join (take 3 words) " ")
                    :usage {:prompt-tokens (length words)
                            :completion-tokens 3}}))})

(llm/define-provider :router
  {:complete (fn (req)
               (let ((handler (get routes (:model req))))
                 (if handler
                     (handler req)
                     ;; an error thrown here becomes an LLM error naming the provider
                     (error "no route for model" (:model req)))))
   :default-model "echo"})

;; another provider, so that the "provider/model" names below really choose
(llm/define-provider :other {:complete (fn (req) "from :other")})

(println (llm/complete "hello there")) ; the default: :other
(println (llm/complete "hello there" {:model "router/echo"}))
(println (llm/complete "hello there" {:model "router/shout"}))
(println (llm/complete "the quick brown fox jumps" {:model "router/summarize"}))
(println (llm/batch ["one" "two"] {:model "router/shout"}))

(llm/set-default :router)
(println (llm/complete "routed by default"))

(println (try
           (llm/complete "x" {:model "nope"})
           (catch e (str "error: " (:message e)))))
