;; text_report.scm -- a string-heavy text report over a web server's log.
;; Builds 30,000 log lines ("2026-12-07T10:15:03 GET /api/users/17 200 1534ms
;; ua=curl/8.0") from a linear congruential generator, then parses each line
;; back with string/split and substring, normalises paths (ids become :id),
;; and writes a report: requests and mean latency per route and method, the
;; status classes, the busiest hour, the slowest routes, padded into columns.
;; Exercises: string-append/str, number->string, string/split, substring,
;; string->number, string/upper, string/pad-left/right, string/join,
;; string/starts-with?, maps keyed by strings.
;; Expected output:
;;   lines 30000 bytes 2024605
;;   routes 26 report-lines 37 report-bytes 1903
;;   POST    /api/orders                             1003       1058
;;   5xx 4591 busiest-hour 00 3600
(define N 30000)

(define (lcg seed) (modulo (+ (* seed 1103515245) 12345) 2147483648))

(define methods ["GET" "GET" "GET" "POST" "PUT" "DELETE"])
(define resources ["users" "orders" "items" "carts" "reviews" "search"])
(define statuses [200 200 200 200 201 204 301 304 400 401 404 500 503])
(define agents ["curl/8.0" "Mozilla/5.0" "python-httpx/0.28" "Go-http-client/2.0"])

(define (two-digits n) (if (< n 10) (string-append "0" (number->string n)) (number->string n)))

(define (make-line i seed)
  (let* ((resource (nth resources (modulo (quotient seed 5) 6)))
         (id (modulo (quotient seed 17) 5000))
         (path (if (= 0 (modulo seed 3))
                   (string-append "/api/" resource)
                   (string-append "/api/" resource "/" (number->string id))))
         (secs (modulo i 86400)))
    (string-append
     "2026-12-07T" (two-digits (quotient secs 3600)) ":" (two-digits (modulo (quotient secs 60) 60))
     ":" (two-digits (modulo secs 60))
     " " (nth methods (modulo seed 6))
     " " path
     " " (number->string (nth statuses (modulo (quotient seed 7) 13)))
     " " (number->string (+ 5 (modulo (quotient seed 11) 2000))) "ms"
     " ua=" (nth agents (modulo (quotient seed 23) 4)))))

(define lines
  (let loop ((i 0) (seed 7) (acc '()))
    (if (= i N)
        (reverse acc)
        (let ((s (lcg seed)))
          (loop (+ i 1) s (cons (make-line i s) acc))))))

(define (digits? s)
  (and (> (string-length s) 0) (string->number s) #t))

(define (route-of path)
  (string/join (map (fn (part) (if (digits? part) ":id" part)) (string/split path "/")) "/"))

(define (parse line)
  (let* ((fields (string/split line " "))
         (latency (nth fields 4)))
    {:hour (substring (nth fields 0) 11 13)
     :method (string/upper (nth fields 1))
     :route (route-of (nth fields 2))
     :status (nth fields 3)
     :ms (string->number (substring latency 0 (- (string-length latency) 2)))}))

(define (tally acc entry)
  (let ((key (string-append (:method entry) " " (:route entry)))
        (class (string-append (substring (:status entry) 0 1) "xx")))
    (-> acc
        (map/update key (fn (s) (if s
                                    {:n (+ (:n s) 1) :ms (+ (:ms s) (:ms entry))}
                                    {:n 1 :ms (:ms entry)})))
        (map/update class (fn (n) (+ (or n 0) 1))))))

(define entries (map parse lines))
(define stats (reduce tally {} entries))
(define per-hour (reduce (fn (acc e) (map/update acc (:hour e) (fn (n) (+ (or n 0) 1)))) {} entries))
(define busiest (first (sort-by (fn (h) (- (get per-hour h))) (keys per-hour))))

(define route-keys (filter (fn (k) (not (string/ends-with? k "xx"))) (keys stats)))

(define (row key)
  (let* ((s (get stats key))
         (parts (string/split key " "))
         (mean (quotient (:ms s) (:n s))))
    (string-append (string/pad-right (first parts) 8)
                   (string/pad-right (nth parts 1) 36)
                   (string/pad-left (number->string (:n s)) 8)
                   (string/pad-left (number->string mean) 11))))

(define slowest
  (take 8 (sort-by (fn (k) (- (quotient (:ms (get stats k)) (:n (get stats k))))) route-keys)))

(define report
  (append (list (string-append (string/pad-right "METHOD" 8) (string/pad-right "ROUTE" 36)
                               (string/pad-left "COUNT" 8) (string/pad-left "MEAN MS" 11)))
          (map row route-keys)
          (list "" "slowest:")
          (map (fn (k) (string-append "  " k)) slowest)))

(define text (string/join report "\n"))
(println "lines" (length lines) "bytes" (reduce + 0 (map (fn (l) (+ 1 (string-length l))) lines)))
(println "routes" (length route-keys) "report-lines" (length report) "report-bytes" (string-length text))
(println (row (first slowest)))
(println "5xx" (get stats "5xx") "busiest-hour" busiest (get per-hour busiest))
