# json_transform.py -- CPython twin of benchmarks/programs/json_transform.scm,
# written the way Python does it: dicts and lists mutated in place, the json module.
import json

N = 4000


def lcg(seed):
    return (seed * 1103515245 + 12345) % 2147483648


def make_item(seed):
    return {"sku": "sku-" + str(seed % 60), "qty": 1 + (seed // 7) % 5, "price": 100 + (seed // 13) % 900}


def make_order(i, seed):
    items, s = [], seed
    for _ in range(1 + seed % 4):
        s = lcg(s)
        items.append(make_item(s))
    items.reverse()  # the Lisp version conses them
    return {"id": i, "customer": "c" + str((seed // 3) % 97),
            "status": "cancelled" if seed % 11 == 0 else "paid",
            "shipping": {"country": "FR" if i % 2 == 0 else "DE", "express": i % 3 == 0},
            "items": items}


orders, seed = [], 42
for i in range(N):
    seed = lcg(seed)
    orders.append(make_order(i, seed))


def order_total(order):
    return sum(item["qty"] * item["price"] for item in order["items"])


def roll_up(orders):
    acc = {}
    for order in orders:
        if order["status"] != "paid":
            continue
        total = order_total(order)
        s = acc.get(order["customer"])
        if s is None:
            s = acc[order["customer"]] = {"orders": 0, "revenue": 0, "largest": 0, "skus": set()}
        s["orders"] += 1
        s["revenue"] += total
        s["largest"] = max(s["largest"], total)
        s["skus"].update(item["sku"] for item in order["items"])
    return acc


def by_country(orders):
    acc = {}
    for o in orders:
        if o["shipping"]["express"]:
            c = o["shipping"]["country"]
            acc[c] = acc.get(c, 0) + 1
    return acc


def report(by_customer):
    rows = [{"customer": c, "revenue": s["revenue"], "orders": s["orders"], "skus": len(s["skus"]),
             "largest": s["largest"]} for c, s in sorted(by_customer.items())]
    ranked = sorted(rows, key=lambda r: -r["revenue"])
    return {"customers": len(rows), "revenue": sum(r["revenue"] for r in rows), "top": ranked[:10]}


def run_once():
    text = json.dumps(orders, separators=(",", ":"))
    decoded = json.loads(text)
    summary = report(roll_up(decoded))
    summary["express"] = by_country(decoded)
    return text, summary, json.dumps(summary, separators=(",", ":"))


for _ in range(5):
    result = run_once()
text, summary, encoded = result
best = summary["top"][0]
print("orders", len(orders), "json-bytes", len(text))
print("customers", summary["customers"], "revenue", summary["revenue"])
print("top", best["customer"], best["revenue"], "orders", best["orders"], "skus", best["skus"])
# printed the way sema prints a map, so both sides' output is the same text
print("express", "{" + " ".join(f'"{c}" {n}' for c, n in sorted(summary["express"].items())) + "}")
print("report-bytes", len(encoded))
