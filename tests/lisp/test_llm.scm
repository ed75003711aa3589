;; The llm/* builtins with Lisp providers (no network, no keys).
;; All tests of this file share one interpreter: each defines the providers it needs.

(define (last-text req) (:content (last (:messages req))))

(llm/define-provider :echo {:complete (fn (req) (last-text req)) :default-model "echo-1"})
(llm/define-provider :upper {:complete (fn (req) (string/upper (last-text req)))})

(deftest "define-provider makes the provider the default"
  (llm/define-provider :newest {:complete (fn (req) "newest")})
  (is (= :newest (llm/default-provider)))
  (is (= "newest" (llm/complete "x")))
  (llm/set-default :echo))

(deftest "complete and chat return the text"
  (llm/set-default :echo)
  (is (= "hello" (llm/complete "hello")))
  (is (= "last one" (llm/chat [{:role :system :content "sys"} {:role "user" :content "last one"}]))))

(deftest "current-provider shows the name and default model"
  (llm/set-default :echo)
  (is (= {:name :echo :model "echo-1"} (llm/current-provider)))
  (is (= :echo (llm/default-provider))))

(deftest "list-providers lists keywords in registration order"
  (is (= '(:echo :upper) (take 2 (llm/list-providers)))))

(deftest "provider/model selects the provider"
  (llm/set-default :echo)
  (is (= "HI" (llm/complete "hi" {:model "upper/any"})))
  (is (= "HI" (llm/complete "hi" {:provider :upper}))))

(deftest "the request map has the contract's keys"
  (define seen (atom nil))
  (llm/define-provider :spy {:complete (fn (req) (reset! seen req) "ok") :default-model "spy-1"})
  (llm/complete "q" {:max-tokens 12 :temperature 0.5 :system "be brief" :stop-sequences ["STOP"]})
  (let ((req (deref seen)))
    (is (= "spy-1" (:model req)))
    (is (= '({:role "user" :content "q"}) (:messages req)))
    (is (= 12 (:max-tokens req)))
    (is (= 0.5 (:temperature req)))
    (is (= "be brief" (:system req)))
    (is (= '("STOP") (:stop-sequences req)))
    (is (nil? (:tools req)))))

(deftest "request returns the whole response map"
  (llm/define-provider :full
    {:complete (fn (req) {:content "c" :usage {:prompt-tokens 2 :completion-tokens 3}
                          :tool-calls [{:id "t1" :name "lookup" :arguments {:q "x"}}]})})
  (let ((resp (llm/request {:messages [{:role :user :content "go"}]})))
    (is (= "c" (:content resp)))
    (is (= "assistant" (:role resp)))
    (is (= "default" (:model resp)))
    (is (= "end_turn" (:stop-reason resp)))
    (is (= 5 (:total-tokens (:usage resp))))
    (is (= "lookup" (:name (first (:tool-calls resp)))))
    (is (= {:q "x"} (:arguments (first (:tool-calls resp)))))))

(deftest "stream sends a Lisp provider's answer as one chunk"
  (llm/set-default :echo)
  (define chunks (atom '()))
  (is (= "streamed" (llm/stream "streamed" (fn (c) (swap! chunks (fn (cs) (cons c cs)))))))
  (is (= '("streamed") (deref chunks))))

(deftest "batch keeps the input order"
  (llm/set-default :upper)
  (is (= '("A" "B" "C") (llm/batch ["a" "b" "c"]))))

(deftest "usage is accounted per call and per model"
  (llm/define-provider :counted
    {:complete (fn (req) {:content "x" :usage {:prompt-tokens 3 :completion-tokens 4}})
     :default-model "counted-1"})
  (llm/reset-usage)
  (is (nil? (llm/last-usage)))
  (llm/complete "a")
  (llm/complete "b")
  (is (= 7 (:total-tokens (llm/last-usage))))
  (is (= "counted-1" (:model (llm/last-usage))))
  (is (= 14 (:total-tokens (llm/session-usage))))
  (is (= 2 (:calls (llm/session-usage))))
  (is (= 6 (:prompt-tokens (get (:per-model (llm/session-usage)) "counted-1"))))
  (llm/reset-usage)
  (is (= 0 (:calls (llm/session-usage)))))

(deftest "an error inside :complete is an LLM error naming the provider"
  (llm/define-provider :broken {:complete (fn (req) (error "it broke"))})
  (let ((e (try (llm/complete "x") (catch e e))))
    (is (= :llm (:type e)))
    (is (= "provider :broken failed: it broke" (:message e)))
    (is (= "broken" (:provider e)))
    (is (not (:retriable e)))))

(deftest "with-fallback moves on after retriable errors only"
  (llm/define-provider :limited {:complete (fn (req) (throw {:status 429 :message "slow down"}))})
  (llm/define-provider :denied {:complete (fn (req) (throw {:status 401 :message "bad key"}))})
  (llm/define-provider :fine {:complete (fn (req) (str "fine:" (:model req)))})
  (is (= "fine:default" (llm/with-fallback [:limited :fine] (fn () (llm/complete "x")))))
  (is (= "fine:m2" (llm/with-fallback [:limited [:fine "m2"]] (fn () (llm/complete "x")))))
  (is (= "auth" (:llm-error (try (llm/with-fallback [:denied :fine] (fn () (llm/complete "x")))
                                 (catch e e))))))

(deftest "set-default on an unknown provider names the configured ones"
  (is (string/contains? (try (llm/set-default :missing) (catch e (:message e)))
                        "provider not configured: missing (configured: :echo")))

(deftest "embed uses the provider's :embed function"
  (llm/define-provider :vec {:complete (fn (req) "")
                             :embed (fn (texts) (map (fn (t) (list (string-length t))) texts))})
  (is (= [2.0] (llm/embed "ab")))
  (is (= '([1.0] [3.0]) (llm/embed ["a" "abc"]))))
