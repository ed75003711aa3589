;; json_transform.scm -- a JSON transformation over maps and vectors.
;; Generates 4,000 orders (a linear congruential generator, so the data is
;; the same everywhere), encodes them as JSON, decodes them, and rolls them
;; up per customer: order count, revenue, distinct SKUs, largest order; then
;; the ten best customers and express orders per country, re-encoded as
;; JSON. Done 5 times over.
;; Exercises: json/encode and json/decode, keyword maps built with assoc and
;; update, vectors, reduce/map/filter with closures, sort-by, get-in.
;; Expected output:
;;   orders 4000 json-bytes 763231
;;   customers 97 revenue 15215970
;;   top c10 249248 orders 56 skus 53
;;   express {"DE" 667 "FR" 667}
;;   report-bytes 812
(define N 4000)

(define (lcg seed) (modulo (+ (* seed 1103515245) 12345) 2147483648))

(define (make-item seed)
  {:sku (str "sku-" (modulo seed 60))
   :qty (+ 1 (modulo (quotient seed 7) 5))
   :price (+ 100 (modulo (quotient seed 13) 900))})

(define (make-order i seed)
  (let loop ((k (+ 1 (modulo seed 4))) (s seed) (items '()))
    (if (= k 0)
        {:id i
         :customer (str "c" (modulo (quotient seed 3) 97))
         :status (if (= 0 (modulo seed 11)) "cancelled" "paid")
         :shipping {:country (if (even? i) "FR" "DE") :express (= 0 (modulo i 3))}
         :items (list->vector items)}
        (let ((s2 (lcg s)))
          (loop (- k 1) s2 (cons (make-item s2) items))))))

(define orders
  (let loop ((i 0) (seed 42) (acc '()))
    (if (= i N)
        (list->vector (reverse acc))
        (let ((s (lcg seed)))
          (loop (+ i 1) s (cons (make-order i s) acc))))))

(define (order-total order)
  (reduce + 0 (map (fn (item) (* (:qty item) (:price item))) (:items order))))

(define (add-order summary order)
  (let ((total (order-total order))
        (skus (map (fn (item) (:sku item)) (:items order))))
    (if (nil? summary)
        {:orders 1 :revenue total :largest total
         :skus (reduce (fn (m s) (assoc m s #t)) {} skus)}
        (-> summary
            (map/update :orders inc)
            (map/update :revenue (fn (r) (+ r total)))
            (map/update :largest (fn (l) (max l total)))
            (map/update :skus (fn (m) (reduce (fn (m s) (assoc m s #t)) m skus)))))))

(define (roll-up orders)
  (reduce (fn (acc order)
            (let ((c (:customer order)))
              (assoc acc c (add-order (get acc c) order))))
          {}
          (filter (fn (o) (= (:status o) "paid")) orders)))

(define (by-country orders)
  (reduce (fn (acc o)
            (let ((country (get-in o [:shipping :country])))
              (if (get-in o [:shipping :express])
                  (map/update acc country (fn (n) (+ (or n 0) 1)))
                  acc)))
          {}
          orders))

(define (report by-customer)
  (let* ((rows (map (fn (c)
                      (let ((s (get by-customer c)))
                        {:customer c :revenue (:revenue s) :orders (:orders s)
                         :skus (count (:skus s)) :largest (:largest s)}))
                    (keys by-customer)))
         (ranked (sort-by (fn (r) (- (:revenue r))) rows)))
    {:customers (count rows)
     :revenue (reduce + 0 (map (fn (r) (:revenue r)) rows))
     :top (take 10 ranked)}))

(define (run-once)
  (let* ((text (json/encode orders))
         (decoded (json/decode text))
         (summary (assoc (report (roll-up decoded)) :express (by-country decoded))))
    (list text summary (json/encode summary))))

(define result
  (let loop ((k 5) (last nil))
    (if (= k 0) last (loop (- k 1) (run-once)))))

(define text (first result))
(define summary (nth result 1))
(define best (first (:top summary)))
(println "orders" (count orders) "json-bytes" (string-length text))
(println "customers" (:customers summary) "revenue" (:revenue summary))
(println "top" (:customer best) (:revenue best) "orders" (:orders best) "skus" (:skus best))
(println "express" (:express summary))
(println "report-bytes" (string-length (nth result 2)))
