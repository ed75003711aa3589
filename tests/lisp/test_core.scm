;; test_core.scm -- the core language, tested from Lisp itself.
;; Each deftest is one pytest item, reported at this file's line.

;; ------------------------------------------------------------ definitions

(deftest "define values and functions"
  (define x 5)
  (define (sq n) (* n n))
  (assert= 25 (sq x))
  (assert= 5 x))

(deftest "rest arguments and curried define"
  (define (f a . rest) (list a rest))
  (define ((adder n) x) (+ n x))
  (assert= '(1 (2 3)) (f 1 2 3))
  (assert= '(1 ()) (f 1))
  (assert= 7 ((adder 3) 4)))

(deftest "lambda with list, vector and rest parameters"
  (assert= 3 ((fn [a b] (+ a b)) 1 2))
  (assert= '(2 3) ((lambda (a . r) r) 1 2 3))
  (assert= '(2 3) ((fn (a & r) r) 1 2 3))
  (assert= '(1 2) ((fn args args) 1 2)))

(deftest "internal defines are local"
  (define (f x)
    (define y (* x 2))
    (define (helper z) (+ z y))
    (helper 1))
  (assert= 21 (f 10))
  (assert= :unbound (try helper (catch e (:type e)))))

;; ------------------------------------------------------------ binding

(deftest "let, let* and letrec"
  (assert= 3 (let ((x 1) (y 2)) (+ x y)))
  (assert= '(1 2) (let* ((a 1) (b (+ a 1))) (list a b)))
  (assert= 120 (letrec ((fact (fn (n) (if (= n 0) 1 (* n (fact (- n 1))))))) (fact 5))))

(deftest "named let"
  (assert= '(0 1 2)
           (let loop ((i 0) (acc '()))
             (if (= i 3) (reverse acc) (loop (+ i 1) (cons i acc))))))

(deftest "destructuring in let, define and parameters"
  (let (([a b & more] [1 2 3 4])
        ({:keys [name]} {:name "Ada"}))
    (assert= 1 a)
    (assert= '(3 4) more)
    (assert= "Ada" name))
  (define (swap [x y]) [y x])
  (assert= [2 1] (swap [1 2])))

;; ------------------------------------------------------------ control

(deftest "only #f and nil are false"
  (is (if 0 #t #f))
  (is (if "" #t #f))
  (is (if '() #t #f))
  (assert= 'no (if nil 'yes 'no))
  (assert= 'no (if #f 'yes 'no)))

(deftest "cond with else and =>"
  (assert= 'b (cond ((= 1 2) 'a) ((= 1 1) 'b) (else 'c)))
  (assert= 20 (cond ((+ 1 1) => (fn (x) (* x 10))) (else 0)))
  (assert= 'c (cond (#f 'a) (else 'c))))

(deftest "case, when, unless"
  (assert= 'mid (case 3 ((1 2) 'low) ((3 4) 'mid) (else 'high)))
  (assert= 2 (when #t 1 2))
  (assert= nil (when #f 1))
  (assert= 2 (unless #f 1 2)))

(deftest "and, or and begin"
  (assert= 3 (and 1 2 3))
  (assert= #f (and 1 #f 3))
  (assert= 3 (or #f nil 3))
  (assert= 3 (begin 1 2 3)))

(deftest "do, while and dotimes"
  (assert= '(2 1 0) (do ((i 0 (+ i 1)) (acc '() (cons i acc))) ((= i 3) acc)))
  (define n 0)
  (while (< n 5) (set! n (+ n 1)))
  (assert= 5 n)
  (define total 0)
  (dotimes (i 4) (set! total (+ total i)))
  (assert= 6 total))

(deftest "threading macros"
  (assert= 30 (-> 5 (- 2) (* 10)))
  (assert= -30 (->> 5 (- 2) (* 10)))
  (assert= 36 (as-> 5 x (+ x 1) (* x x)))
  (assert= nil (some-> {:a 1} :b inc)))

(deftest "when-let and if-let bind unless nil"
  (assert= 11 (when-let (x (get {:a 1} :a)) (+ x 10)))
  (assert= nil (when-let (x (get {:a 1} :b)) (+ x 10)))
  (assert= 'bound (when-let (x #f) 'bound))
  (assert= 'no (if-let (x nil) 'yes 'no)))

;; ------------------------------------------------------------ tail calls and recursion

(deftest "self tail call a million deep"
  (define (count n) (if (= n 0) 'done (count (- n 1))))
  (assert= 'done (count 1000000)))

(deftest "mutual tail calls a million deep"
  (define (ev? n) (if (= n 0) #t (od? (- n 1))))
  (define (od? n) (if (= n 0) #f (ev? (- n 1))))
  (is (ev? 1000000))
  (is (od? 1000001)))

(deftest "deep non-tail recursion"
  (define (sum n) (if (= n 0) 0 (+ n (sum (- n 1)))))
  (assert= 5000050000 (sum 100000)))

;; ------------------------------------------------------------ closures

(deftest "closures capture and share variables"
  (define (make-counter)
    (let ((n 0))
      (list (fn () (set! n (+ n 1)) n)
            (fn () n))))
  (define c (make-counter))
  ((car c))
  ((car c))
  (assert= 2 ((cadr c))))

(deftest "closures made in loops capture each iteration"
  (assert= '(0 1 2) (map (fn (f) (f)) (map (fn (i) (fn () i)) '(0 1 2))))
  (assert= '(0 1 2)
           (map (fn (f) (f))
                (let loop ((i 0) (acc '()))
                  (if (= i 3) (reverse acc) (loop (+ i 1) (cons (fn () i) acc)))))))

;; ------------------------------------------------------------ data

(deftest "exact numbers and booleans"
  (assert= 5/2 (/ 10 4))
  (assert= 2 (/ 10 5))
  (is (not (= 1 #t)))
  (assert= 2 (count {1 :a #t :b})))

(deftest "keywords look themselves up in maps"
  (assert= 1 (:a {:a 1}))
  (assert= 'd (:z {:a 1} 'd))
  (assert= '(1 2) (map :n [{:n 1} {:n 2}])))

(deftest "maps are persistent"
  (define m1 {:a 1})
  (define m2 (assoc m1 :b 2))
  (assert= {:a 1} m1)
  (assert= {:a 1 :b 2} m2)
  (define big (let loop ((i 0) (m {})) (if (= i 100000) m (loop (+ i 1) (assoc m i i)))))
  (assert= 100000 (count big)))

(deftest "atoms"
  (define a (atom 0))
  (swap! a + 5)
  (assert= 5 @a)
  (reset! a 9)
  (assert= 9 (deref a)))

(deftest "records"
  (define-record-type point (make-point x y) point? (x point-x set-point-x!) (y point-y))
  (define p (make-point 1 2))
  (set-point-x! p 10)
  (assert= 10 (point-x p))
  (is (point? p))
  (is (not (point? 5))))

(deftest "delay and force memoize"
  (define calls 0)
  (define p (delay (begin (set! calls (+ calls 1)) 42)))
  (assert= 0 calls)
  (assert= 42 (force p))
  (assert= 42 (force p))
  (assert= 1 calls))

(deftest "multiple values"
  (assert= 3 (call-with-values (fn () (values 1 2)) +))
  (define-values (q r) (values 7 8))
  (assert= '(7 8) (list q r))
  (assert= '(1 2 3) (let-values (((a b) (values 1 2)) ((c) (values 3))) (list a b c))))

(deftest "parameters"
  (define p (make-parameter 10))
  (assert= 20 (parameterize ((p 20)) (p)))
  (assert= 10 (p)))

;; ------------------------------------------------------------ pattern matching

(deftest "match literals, vectors, maps and guards"
  (define (describe x)
    (match x
      (0 'zero)
      ([a b & rest] (list 'seq a b rest))
      ({:keys [name]} name)
      (n when (> n 100) 'big)
      (_ 'other)))
  (assert= 'zero (describe 0))
  (assert= '(seq 1 2 (3)) (describe [1 2 3]))
  (assert= "Bo" (describe {:name "Bo"}))
  (assert= 'big (describe 500))
  (assert= 'other (describe 5))
  (assert= nil (match* 5 (1 'one))))

;; ------------------------------------------------------------ errors

(deftest "try, catch and finally"
  (define log '())
  (assert= "boom" (try (throw "boom") (catch e (:message e))))
  (assert= {:code 1} (try (throw {:code 1}) (catch e (:value e))))
  (assert= :type-error (try (car 5) (catch e (:type e))))
  (assert= 'caught (try (/ 1 0) (catch e 'caught) (finally (set! log (cons 'f log)))))
  (assert= '(f) log))

(deftest "error maps carry a stack trace"
  (define (inner x) (car x))
  (define (outer x) (inner x))
  (define err (try (outer 5) (catch e e)))
  (assert= "inner" (:name (car (:stack-trace err))))
  (is (string/contains? (:message err) "car")))

;; ------------------------------------------------------------ eval and read

(deftest "eval and read"
  (assert= 3 (eval '(+ 1 2)))
  (assert= '(a b 3) (read "(a b 3)"))
  (assert= 6 (eval (read "(* 2 3)"))))

(deftest "redefining a builtin inside a body"
  (define (twice x) (+ x x))
  (define (+ a b) (* a b))
  (assert= 25 (twice 5)))
