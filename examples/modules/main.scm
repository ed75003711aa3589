;; main.scm -- import names from a module file (paths are relative to this file).
(import "geometry.scm" area perimeter)
(println (area 2) (perimeter 2))
