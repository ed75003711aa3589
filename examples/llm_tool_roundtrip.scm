;; A tool-calling round trip, driven by a Lisp provider that behaves like a model.
;;
;;   sema examples/llm_tool_roundtrip.scm
;;
;; 1. the caller sends :tools with the request;
;; 2. the "model" answers with :tool-calls instead of text;
;; 3. the caller runs each tool and sends its result back in a {:role "tool" :tool-call-id ...}
;;    message, after the assistant message that carried the calls;
;; 4. the model answers with text.
;; The same loop works unchanged with :openai, :anthropic, :gemini or :ollama.

(define weather-tool
  {:name "get_weather"
   :description "Current weather for a city"
   :parameters {:type "object"
                :properties {:city {:type "string" :description "the city"}}
                :required ["city"]}})

(define (get-weather args)
  (str "18C and sunny in " (:city args)))

(define tools {"get_weather" get-weather})

;; the fake model: asks for the tool once, then answers from the tool's result
(llm/define-provider :toy-model
  {:complete (fn (req)
               (let ((last-msg (last (:messages req))))
                 (if (= (:role last-msg) "tool")
                     {:content (str "The weather: " (:content last-msg))
                      :usage {:prompt-tokens 20 :completion-tokens 8}}
                     {:content ""
                      :stop-reason "tool_use"
                      :tool-calls [{:id "call_1"
                                    :name "get_weather"
                                    :arguments {:city "Paris"}}]
                      :usage {:prompt-tokens 12 :completion-tokens 5}})))
   :default-model "toy-1"})

(define (run-tool call)
  {:role "tool"
   :tool-call-id (:id call)
   :content ((get tools (:name call)) (:arguments call))})

(define (ask question)
  (let loop ((messages [{:role "user" :content question}]) (rounds 0))
    (let ((resp (llm/request {:messages messages :tools [weather-tool]})))
      (if (and (not (empty? (:tool-calls resp))) (< rounds 5))
          (loop (append messages
                        (list {:role "assistant"
                               :content (:content resp)
                               :tool-calls (:tool-calls resp)})
                        (map run-tool (:tool-calls resp)))
                (+ rounds 1))
          (:content resp)))))

(define answer (ask "What is the weather in Paris?"))
(println answer)
(assert= "The weather: 18C and sunny in Paris" answer)
(println "tokens:" (:total-tokens (llm/session-usage)))
