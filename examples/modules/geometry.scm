;; geometry.scm -- a module: only what it exports can be imported.
(module geometry
  (export area perimeter)

  (define pi-ish 3)
  (define (area r) (* pi-ish r r))
  (define (perimeter r) (* 2 pi-ish r)))
