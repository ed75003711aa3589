# text_report.py -- CPython twin of benchmarks/programs/text_report.scm: str
# methods, f-string-free concatenation as the Lisp does it, dicts updated in place.
N = 30000


def lcg(seed):
    return (seed * 1103515245 + 12345) % 2147483648


methods = ["GET", "GET", "GET", "POST", "PUT", "DELETE"]
resources = ["users", "orders", "items", "carts", "reviews", "search"]
statuses = [200, 200, 200, 200, 201, 204, 301, 304, 400, 401, 404, 500, 503]
agents = ["curl/8.0", "Mozilla/5.0", "python-httpx/0.28", "Go-http-client/2.0"]


def two_digits(n):
    return "0" + str(n) if n < 10 else str(n)


def make_line(i, seed):
    resource = resources[(seed // 5) % 6]
    ident = (seed // 17) % 5000
    path = "/api/" + resource if seed % 3 == 0 else "/api/" + resource + "/" + str(ident)
    secs = i % 86400
    return ("2026-12-07T" + two_digits(secs // 3600) + ":" + two_digits((secs // 60) % 60) + ":"
            + two_digits(secs % 60) + " " + methods[seed % 6] + " " + path + " "
            + str(statuses[(seed // 7) % 13]) + " " + str(5 + (seed // 11) % 2000) + "ms"
            + " ua=" + agents[(seed // 23) % 4])


lines, seed = [], 7
for i in range(N):
    seed = lcg(seed)
    lines.append(make_line(i, seed))


def route_of(path):
    return "/".join(":id" if part.isdigit() else part for part in path.split("/"))


def parse(line):
    fields = line.split(" ")
    latency = fields[4]
    return {"hour": fields[0][11:13], "method": fields[1].upper(), "route": route_of(fields[2]),
            "status": fields[3], "ms": int(latency[:-2])}


entries = [parse(line) for line in lines]
stats, classes, per_hour = {}, {}, {}
for e in entries:
    key = e["method"] + " " + e["route"]
    s = stats.get(key)
    if s is None:
        stats[key] = {"n": 1, "ms": e["ms"]}
    else:
        s["n"] += 1
        s["ms"] += e["ms"]
    cls = e["status"][0] + "xx"
    classes[cls] = classes.get(cls, 0) + 1
    per_hour[e["hour"]] = per_hour.get(e["hour"], 0) + 1
busiest = sorted(sorted(per_hour), key=lambda h: -per_hour[h])[0]
route_keys = sorted(stats)


def row(key):
    s = stats[key]
    method, route = key.split(" ")
    mean = s["ms"] // s["n"]
    return method.ljust(8) + route.ljust(36) + str(s["n"]).rjust(8) + str(mean).rjust(11)


slowest = sorted(route_keys, key=lambda k: -(stats[k]["ms"] // stats[k]["n"]))[:8]
report = (["METHOD".ljust(8) + "ROUTE".ljust(36) + "COUNT".rjust(8) + "MEAN MS".rjust(11)]
          + [row(k) for k in route_keys] + ["", "slowest:"] + ["  " + k for k in slowest])
text = "\n".join(report)
print("lines", len(lines), "bytes", sum(len(line) + 1 for line in lines))
print("routes", len(route_keys), "report-lines", len(report), "report-bytes", len(text))
print(row(slowest[0]))
print("5xx", classes["5xx"], "busiest-hour", busiest, per_hour[busiest])
