;; Records, atoms, maps, match and errors working together.
(define-record-type account
  (make-account id owner balance)
  account?
  (id account-id)
  (owner account-owner)
  (balance account-balance set-account-balance!))

(define accounts (atom {}))

(define (open! id owner)
  (swap! accounts assoc id (make-account id owner 0))
  id)

(define (deposit! id amount)
  (let ((acct (get @accounts id)))
    (when (nil? acct) (throw {:error :no-such-account :id id}))
    (when (<= amount 0) (error "deposit must be positive, got" amount))
    (set-account-balance! acct (+ (account-balance acct) amount))
    (account-balance acct)))

(define (attempt thunk)
  (try (list :ok (thunk))
       (catch e
         (match (:value e)
           ({:error kind :id id} (list :failed kind id))
           (_ (list :error (:message e)))))))

(open! 1 "ada")
(open! 2 "bob")
(println (attempt (fn () (deposit! 1 100))))
(println (attempt (fn () (deposit! 1 50))))
(println (attempt (fn () (deposit! 3 10))))
(println (attempt (fn () (deposit! 2 -5))))
(println (map (fn (id) (account-owner (get @accounts id))) (sort (keys @accounts))))
(println (account-balance (get @accounts 1)) (account? (get @accounts 2)) (account? 5))
