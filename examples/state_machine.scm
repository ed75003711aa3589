;; state_machine.scm -- a vending machine as a state machine: data for the transitions,
;; match for the events, a multimethod for what each state shows.

(define transitions
  {:idle {:coin :ready :kick :idle}
   :ready {:coin :ready :push :vending :refund :idle}
   :vending {:done :idle}})

(defmulti describe (fn (machine) (:state machine)))
(defmethod describe :idle (fn (m) "insert a coin"))
(defmethod describe :ready
  (fn (m) (format "~a coin(s): push to buy" (:coins m))))
(defmethod describe :default (fn (m) (str "busy (" (name (:state m)) ")")))

(define (step machine event)
  (let* ((state (:state machine))
         (next (get-in transitions [state event])))
    (if (nil? next)
        (throw {:type :bad-event :message (format "~a cannot ~a" state event)})
        (match event
          (:coin (assoc machine :state next :coins (+ 1 (:coins machine))))
          (:refund
           (assoc machine :state next :coins 0 :refunded (:coins machine)))
          (:push (-> machine
                     (assoc :state next :coins (- (:coins machine) 1))
                     (assoc :sold (+ 1 (:sold machine)))))
          (_ (assoc machine :state next))))))

(define (run events)
  (foldl (fn (m e)
           (let ((m2 (guard (err ((map? err)
                                  (println "  rejected:" (:message err))
                                  m))
                       (step m e))))
             (println (string/pad-right (str e) 8)
                      "->"
                      (string/pad-right (str (:state m2)) 9)
                      (describe m2))
             m2))
         {:state :idle :coins 0 :sold 0}
         events))

(define final
  (run '(:coin :coin :push :done :push :refund :kick :coin :push :done)))
(println "final:" final)

;; the same machine driven by a loop over a mutable event queue
(define queue (mutable-array/new))
(for-each (fn (e) (mutable-array/push! queue e)) '(:coin :push :done))
(let loop ((i 0) (m {:state :idle :coins 0 :sold 0}))
  (if (= i (mutable-array/length queue))
      (println "sold by the loop:" (:sold m))
      (loop (+ i 1) (step m (mutable-array/get queue i)))))
