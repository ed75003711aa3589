;; regex_toolkit.scm -- validating, extracting and rewriting text with regex/*.
;; Regex literals #"..." keep backslashes as they are.

(define (identifier? s) (regex/match? #"^[A-Za-z_][A-Za-z0-9_]*$" s))

(println "identifiers:"
         (map (fn (s) (list s (identifier? s))) '("foo_1" "1foo" "_x")))

;; extract: the first number, every e-mail address
(define (first-int s)
  (let ((m (regex/match #"\d+" s)))
    (if (nil? m) nil (string->number (:match m)))))

(println "first int:" (first-int "x=42; y=9") (first-int "none"))
(println "emails:"
         (regex/find-all #"[\w.+-]+@[\w-]+\.[\w.]+"
                         "Contact ada@example.com or bob@test.org"))

;; parse key = value lines into a map
(define (parse-kv line)
  (let ((m (regex/match #"^(\w+)\s*=\s*(.+)$" line)))
    (when m
      (let ((groups (:groups m)))
        [(string->keyword (first groups)) (string/trim (second groups))]))))

(define config
  (map/from-entries
   (filter some?
           (map parse-kv
                (string/lines
                 "name = Ada\n# a comment\nlang = sema\nyear=1843")))))
(println "config:" config)

;; rewrite: dates from YYYY-MM-DD to DD/MM/YYYY, with named groups
(println (regex/replace-all #"(?P<y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)"
                            "${d}/${m}/${y}"
                            "from 2024-01-31 to 2024-02-29"))

;; normalise whitespace, split on separators
(println (regex/replace-all #"\s+" " " "a   b\n\n c\t d"))
(println (regex/split #"\s*[,;]\s*" "red, green;blue ,  black"))

;; a tiny tokenizer: numbers, names and operators with their positions
(define (tokens src)
  (let loop ((pos 0) (out '()))
    (let ((m (regex/match #"^\s*(\d+|[a-z]+|[-+*/()])"
                          (string/slice src pos (string/length src)))))
      (if (nil? m)
          (reverse out)
          (loop (+ pos (:end m)) (cons (first (:groups m)) out))))))

(println "tokens:" (tokens "(x + 42) * y"))
