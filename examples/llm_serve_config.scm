;; A configuration for `sema serve -l examples/llm_serve_config.scm`: providers and routing in Lisp.
;;
;; :words is an embedding provider written in Lisp, for `--embed words`: a toy embedding that
;; counts the words of a small vocabulary, so that "What is the capital of France?" and
;; "capital of France, please" get the same vector without any model or network.  A real
;; deployment names a real embedding model instead: --embed openai/text-embedding-3-small,
;; --embed ollama/nomic-embed-text ...

(define vocabulary
  ["capital" "france" "spain" "italy" "city" "weather" "population" "largest"])

(define (clean text)
  (reduce (fn (s mark) (string/replace s mark " "))
          (string/lower text)
          ["?" "," "." "!"]))

(define (word-counts text)
  (define words (string/words (clean text)))
  (map (fn (v) (length (filter (fn (w) (= w v)) words))) vocabulary))

(llm/define-provider :words
  {:complete (fn (req) "this provider only computes embeddings")
   :embed (fn (texts) (map word-counts texts))
   :default-model "vocabulary-8"})

;; Requests without X-LLM-Proxy-Upstream go through sema's own providers; this routing function
;; would send every prompt that mentions the weather to a provider of its own:
;;   (define (route req)
;;     (if (string/contains? (:content (last (:messages req))) "weather") :weather-provider nil))
