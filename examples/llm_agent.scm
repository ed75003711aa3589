;; llm_agent.scm -- an agent with two tools: it looks up the weather, then converts it.
;;
;; Offline (the test suite): replayed from a cassette recorded against a real model,
;;   SEMA_LLM_CASSETTE=examples/cassettes/llm_agent.ndjson SEMA_LLM_CASSETTE_MODE=replay sema examples/llm_agent.scm
;; Live, against any OpenAI-compatible server (the opt-in test uses a local llama.cpp):
;;   OPENAI_BASE_URL=http://127.0.0.1:8765/v1 OPENAI_API_KEY=local SEMA_DEFAULT_MODEL=gemma-3-270m-tools \
;;     sema examples/llm_agent.scm
;; The same script either way: cassettes sit below the agent, so its tools really run on replay.

(define temperatures {"paris" 18 "oslo" 4 "rome" 24})

(deftool get-weather
  "The temperature in a city, in degrees Celsius"
  {:city {:type :string :description "The name of the city"}}
  (fn (city)
    (let* ((name (string/lower (first (string/split city ","))))
           (t (get temperatures (string/trim name))))
      (if t
          {:city city :celsius t}
          (error
           (str "no weather station in " city " (try Paris, Oslo or Rome)"))))))

(deftool to-fahrenheit
  "Convert degrees Celsius to degrees Fahrenheit"
  {:celsius {:type :number :description "Degrees Celsius"}}
  (fn (celsius) (+ 32 (* 1.8 celsius))))

;; A tiny model cannot plan: :tool-choice drives it turn by turn (look up, convert, answer).
(defagent forecaster
  {:system "You answer questions about the weather. Use the tools, then answer in one sentence."
   :tools [get-weather to-fahrenheit]
   :tool-choice [:get-weather :to-fahrenheit :none]
   :max-turns 4
   :max-tokens 40
   :temperature 0})

(define result
  (agent/run forecaster
             "How warm is it in Paris, in Fahrenheit?"
             {:on-tool-call (fn (e)
                              (when (= (:event e) "end")
                                (println (str (:tool e)
                                              " "
                                              (json/encode (:args e))
                                              " -> "
                                              (if (:error e)
                                                  (:result e)
                                                  (str "ok: "
                                                       (:result e)))))))}))

(println (str "turns: " (:turns result) ", stopped: " (:stopped result)))
(println (str "tool messages: "
              (length (filter (fn (m) (= (:role m) :tool))
                              (:messages result)))))
(println (str "answer: " (:response result)))
