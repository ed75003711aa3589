;; data.scm -- maps, keywords, vectors, destructuring and JSON.
(define people
  [{:name "Ada" :born 1815 :langs ["math" "engines"]}
   {:name "Grace" :born 1906 :langs ["COBOL"]}
   {:name "Alan" :born 1912 :langs ["math" "logic"]}])

;; keywords are functions of maps
(println (map :name people))

;; persistent maps: assoc returns a new map, the old one is unchanged
(define ada (first people))
(define older (update ada :born (fn (y) (- y 1))))
(println (:born ada) (:born older))

;; destructuring in let and in parameters
(define (describe {:keys [name born]})
  f"${name} was born in ${born}")
(for-each (fn (p) (println (describe p))) people)

(let (([first-lang & others] (:langs ada)))
  (println first-lang others))

;; grouping and counting
(println (frequencies (flatten (map (fn (p) (:langs p)) people))))

;; JSON both ways: objects become maps with keyword keys
(define decoded (json/decode "{\"model\": \"tiny\", \"tokens\": [1, 2, 3]}"))
(println (:model decoded) (length (:tokens decoded)))
(println (json/encode {:ok #t :count 3}))
