;; csv_pipeline.scm -- read CSV, clean and aggregate it, write a report as CSV.

(define raw "city,month,rain_mm
Bergen,Jan,190.5
Oslo,Jan,49.2
Bergen,Feb,152.1
Oslo,Feb,36.0
Tromsø,Jan,95.3
Bergen,Mar,170.0
Oslo,Mar,47.8
")

(define rows
  (map (fn (r) (assoc r :rain (string->number (:rain_mm r))))
       (csv/parse-maps raw)))

(println "rows:" (length rows) "first:" (first rows))

;; group by city, then sum and average each group
(define by-city (list/group-by :city rows))

(define (summary city)
  (let* ((rains (map :rain (get by-city city)))
         (total (list/sum rains)))
    {:city city
     :months (length rains)
     :total (math/round-to total 1)
     :mean (math/round-to (/ total (length rains)) 1)}))

(define report (sort-by :total (map summary (keys by-city)) >))

(for-each (fn (s)
            (println (string/pad-right (:city s) 8)
                     (string/pad-left (number->string (:total s)) 7)
                     (string/pad-left (number->string (:mean s)) 7)))
          report)

;; the wettest month of each city
(println "wettest:"
         (map (fn (city)
                (let ((best (last (sort-by :rain (get by-city city)))))
                  (str city " " (:month best))))
              (keys by-city)))

;; back to CSV (a header row, then one row per city)
(display (csv/encode (cons ["city" "months" "total_mm" "mean_mm"]
                           (map (fn (s)
                                  [(:city s) (:months s) (:total s) (:mean s)])
                                report))))

;; quoting survives a round trip
(define tricky [["name" "note"] ["Ada" "said \"hi\", then left"]])
(println (equal? (csv/parse (csv/encode tricky))
                 (map (fn (r) (apply list r)) tricky)))
