;; interp.scm -- a recursive interpreter over records.
;; Parses small programs written as s-expressions into an AST of records
;; (define-record-type), then evaluates them with environments as persistent
;; maps and closures as records (letrec ties the knot with a record setter).
;; Runs an interpreted fib 20, an accumulating loop of 20,000 steps and
;; Ackermann(2, 9).
;; Exercises: record construction, predicates and accessors, cond dispatch,
;; deep non-tail recursion, assoc/get on small maps, symbols as map keys.
;; Expected output:
;;   fib 6765
;;   sum 200010000
;;   ack 21
;;   nodes 74
(define-record-type num (make-num value) num? (value num-value))
(define-record-type var (make-var name) var? (name var-name))
(define-record-type prim (make-prim op left right) prim? (op prim-op) (left prim-left) (right prim-right))
(define-record-type if-node (make-if test then else) if-node?
  (test if-test) (then if-then) (else if-else))
(define-record-type lam (make-lam params body) lam? (params lam-params) (body lam-body))
(define-record-type app (make-app fn args) app? (fn app-fn) (args app-args))
(define-record-type letrec-node (make-letrec name value body) letrec-node?
  (name letrec-name) (value letrec-value) (body letrec-body))
(define-record-type closure (make-closure params body env) closure?
  (params closure-params) (body closure-body) (env closure-env set-closure-env!))

(define primitives '(+ - * < =))

(define (parse x)
  (cond ((number? x) (make-num x))
        ((symbol? x) (make-var x))
        ((eq? (car x) 'if) (make-if (parse (nth x 1)) (parse (nth x 2)) (parse (nth x 3))))
        ((eq? (car x) 'lambda) (make-lam (nth x 1) (parse (nth x 2))))
        ((eq? (car x) 'letrec) (make-letrec (nth x 1) (parse (nth x 2)) (parse (nth x 3))))
        ((and (memq (car x) primitives) (= (length x) 3))
         (make-prim (car x) (parse (nth x 1)) (parse (nth x 2))))
        (else (make-app (parse (car x)) (map parse (cdr x))))))

(define (apply-prim op a b)
  (cond ((eq? op '+) (+ a b))
        ((eq? op '-) (- a b))
        ((eq? op '*) (* a b))
        ((eq? op '<) (< a b))
        (else (= a b))))

(define (bind env params args)
  (if (null? params)
      env
      (bind (assoc env (car params) (car args)) (cdr params) (cdr args))))

(define (evaluate node env)
  (cond ((num? node) (num-value node))
        ((var? node) (get env (var-name node)))
        ((prim? node)
         (apply-prim (prim-op node) (evaluate (prim-left node) env) (evaluate (prim-right node) env)))
        ((if-node? node)
         (if (evaluate (if-test node) env)
             (evaluate (if-then node) env)
             (evaluate (if-else node) env)))
        ((lam? node) (make-closure (lam-params node) (lam-body node) env))
        ((app? node)
         (let ((f (evaluate (app-fn node) env))
               (args (map (fn (a) (evaluate a env)) (app-args node))))
           (evaluate (closure-body f) (bind (closure-env f) (closure-params f) args))))
        ((letrec-node? node)
         (let ((c (evaluate (letrec-value node) env)))
           (let ((env2 (assoc env (letrec-name node) c)))
             (set-closure-env! c env2)
             (evaluate (letrec-body node) env2))))
        (else (error "unknown node" node))))

(define (count-nodes node)
  (cond ((prim? node) (+ 1 (count-nodes (prim-left node)) (count-nodes (prim-right node))))
        ((if-node? node)
         (+ 1 (count-nodes (if-test node)) (count-nodes (if-then node)) (count-nodes (if-else node))))
        ((lam? node) (+ 1 (count-nodes (lam-body node))))
        ((app? node) (+ 1 (count-nodes (app-fn node)) (reduce + 0 (map count-nodes (app-args node)))))
        ((letrec-node? node) (+ 1 (count-nodes (letrec-value node)) (count-nodes (letrec-body node))))
        (else 1)))

(define fib-program
  '(letrec fib (lambda (n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2))))) (fib 20)))
(define sum-program
  '(letrec sum (lambda (i acc) (if (= i 0) acc (sum (- i 1) (+ acc i)))) (sum 20000 0)))
(define ack-program
  '(letrec ack (lambda (m n)
                 (if (= m 0) (+ n 1)
                     (if (= n 0) (ack (- m 1) 1)
                         (ack (- m 1) (ack m (- n 1))))))
     (ack 2 9)))

(define programs (map parse (list fib-program sum-program ack-program)))
(println "fib" (evaluate (nth programs 0) {}))
(println "sum" (evaluate (nth programs 1) {}))
(println "ack" (evaluate (nth programs 2) {}))
(println "nodes" (reduce + 0 (map count-nodes programs)))
