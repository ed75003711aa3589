;; A provider forwarding to a custom HTTP API (the provider contract's second example).
;;
;;   SEMA_EXAMPLE_API_URL=http://127.0.0.1:8000/chat MY_API_KEY=... sema examples/llm_http_provider.scm
;;
;; The API takes {"model": ..., "prompt": ...} and answers
;; {"text": ..., "input-tokens": N, "output-tokens": M}.  The test suite starts such a server on
;; 127.0.0.1 and sets SEMA_EXAMPLE_API_URL; without it this script only says so.

(define api-url (env "SEMA_EXAMPLE_API_URL"))

(define (define-my-api url)
  (llm/define-provider :my-api
    {:complete (fn (req)
                 (define resp
                   (json/decode
                    (http/post url
                               {:headers {"Authorization"
                                            (string-append
                                             "Bearer "
                                             (or (env "MY_API_KEY") "demo-key"))
                                          "Content-Type" "application/json"}
                                :body (json/encode
                                       {:model (:model req)
                                        :prompt (:content
                                                 (last (:messages req)))})})))
                 {:content (:text resp)
                  :usage {:prompt-tokens (:input-tokens resp)
                          :completion-tokens (:output-tokens resp)}})
     :default-model "my-model-v2"}))

(if (nil? api-url)
    (println
     "set SEMA_EXAMPLE_API_URL to the URL of the chat API to run this example")
    (begin
      (define-my-api api-url)
      (println "reply:" (llm/complete "Say hello"))
      (println "usage:" (llm/last-usage))
      ;; an HTTP error inside the provider is an LLM error naming it; 5xx and 429 are retriable,
      ;; so llm/with-fallback moves on to the next provider
      (llm/define-provider :backup {:complete (fn (req) "backup answer")})
      (llm/set-default :my-api)
      (println "fallback:"
               (llm/with-fallback [:my-api :backup]
                                  (fn () (llm/complete "please fail"))))))
