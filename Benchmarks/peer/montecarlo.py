#!/usr/bin/env python3
"""The NumPy-vectorised peer of capsim's Monte Carlo (MODEL.md §1–§8 and §10, without §9).

An independent implementation, written from MODEL.md and not from capsim's code, used only
as the peer to beat in Benchmarks/scripts/numpy-peer.sh. Every run of a month is one element
of a NumPy array: each month is a handful of vector operations over all runs, the way an
analyst would write this model in NumPy. It computes what `capsim run --runs N` reports:
the bands (mean, P5, P25, P50, P75, P95) of every monthly figure, the share and month
percentiles of every event (phases, milestones, plan changes, limit breaches, funding,
cash below floor) and the §10 cash statistics.

It reads the scenario files the benchmark uses (one file, no `extends`, plans under the
`thresholds` policy); anything else is refused rather than approximated.

--expected replaces every draw by its mean and every random flow by its expectation: the
deterministic projection, to compare with `capsim run --deterministic`.

Usage: montecarlo.py SCENARIO RUNS SEED [--json] [--expected]
"""
import json
import math
import re
import sys
import time
import warnings

import numpy as np
import yaml

DAYS_PER_MONTH = 30.4375
UNITS = {"": 1, "B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12,
         "KIB": 1024, "MIB": 1024 ** 2, "GIB": 1024 ** 3, "TIB": 1024 ** 4}
QUANTILES = [5, 25, 50, 75, 95]


def size(value):
    """A size in bytes: a number, or text such as '4 KB'."""
    if isinstance(value, (int, float)):
        return float(value)
    number, unit = re.fullmatch(r"\s*([0-9.eE+-]+)\s*([A-Za-z]*)\s*", str(value)).groups()
    return float(number) * UNITS[unit.upper()]


class Draws:
    """Each uncertain parameter drawn once per run (§8), clamped to its range."""

    def __init__(self, runs, rng):
        self.runs, self.rng = runs, rng

    def __call__(self, node, low=0.0, high=math.inf, convert=float):
        if not isinstance(node, dict):
            return convert(node)
        rng, n, kind = self.rng, self.runs, node["dist"]
        if isinstance(rng, Expected):
            return np.full(n, np.clip(mean(node), low, high))
        if kind == "normal":
            x = rng.normal(node["mean"], node["sd"], n)
        elif kind == "lognormal":
            if "median" in node:
                mu, sigma = math.log(node["median"]), node["sigma"]
            else:
                z90 = 1.2815515655446004
                mu = (math.log(node["p10"]) + math.log(node["p90"])) / 2
                sigma = (math.log(node["p90"]) - math.log(node["p10"])) / (2 * z90)
            x = rng.lognormal(mu, sigma, n)
        elif kind == "beta":
            m, sd = node["mean"], node["sd"]
            k = m * (1 - m) / sd ** 2 - 1
            x = rng.beta(m * k, (1 - m) * k, n)
        elif kind == "uniform":
            x = rng.uniform(node["min"], node["max"], n)
        elif kind == "triangular":
            x = rng.triangular(node["min"], node["mode"], node["max"], n)
        elif kind == "pert":
            lo, mode, hi = node["min"], node["mode"], node["max"]
            x = lo + (hi - lo) * rng.beta(1 + 4 * (mode - lo) / (hi - lo), 1 + 4 * (hi - mode) / (hi - lo), n)
        else:
            raise SystemExit(f"unsupported distribution {kind}")
        return np.clip(x, low, high)


def mean(node):
    """A distribution's mean (§8): what the deterministic projection uses."""
    kind = node["dist"]
    if kind == "lognormal":
        if "median" in node:
            return node["median"] * math.exp(node["sigma"] ** 2 / 2)
        z90 = 1.2815515655446004
        mu = (math.log(node["p10"]) + math.log(node["p90"])) / 2
        sigma = (math.log(node["p90"]) - math.log(node["p10"])) / (2 * z90)
        return math.exp(mu + sigma ** 2 / 2)
    if kind in ("normal", "beta"):
        return node["mean"]
    if kind == "uniform":
        return (node["min"] + node["max"]) / 2
    if kind == "triangular":
        return (node["min"] + node["mode"] + node["max"]) / 3
    return (node["min"] + 4 * node["mode"] + node["max"]) / 6


class Expected:
    """Flows at their expectations instead of drawn (--expected: the deterministic projection)."""

    def poisson(self, mean):
        return np.asarray(mean, dtype=float)

    def binomial(self, n, p):
        return np.asarray(n, dtype=float) * p


class Month:
    """End-of-month values a `when` reads (§7)."""
    __slots__ = ("t", "users", "dau", "mpd", "paid", "mrr", "concurrent", "phase", "churn", "db", "cash")


def holds(when, m):
    """A `when` (§7) per run: a boolean array (or True when empty)."""
    result = True
    for metric, threshold in (when or {}).items():
        value = {
            "users_at_least": lambda: m.users >= threshold,
            "dau_at_least": lambda: m.dau >= threshold,
            "messages_per_day_at_least": lambda: m.mpd >= threshold,
            "paid_users_at_least": lambda: m.paid >= threshold,
            "mrr_at_least": lambda: m.mrr >= threshold,
            "concurrent_at_least": lambda: m.concurrent >= threshold,
            "phase_at_least": lambda: m.phase >= threshold,
            "churn_at_most": lambda: m.churn <= threshold,
            "db_at_least": lambda: m.db >= size(threshold),
            "month_at_least": lambda: np.full(m.users.shape, m.t >= threshold),
            "cash_at_most": lambda: m.cash <= threshold,
        }[metric]()
        result = result & value
    return result


def simulate(scenario, runs, seed, expected=False):
    rng = Expected() if expected else np.random.default_rng(seed)
    draw = Draws(runs, rng)
    H = scenario.get("horizon_months", 60)
    tiers = scenario["tiers"]
    T = len(tiers)
    price = np.array([float(t.get("price", 0)) for t in tiers])
    churn = [draw(t.get("churn", 0), 0, 1) for t in tiers]
    mpad = [draw(t.get("messages_per_active_day", 0)) for t in tiers]
    quota = [math.inf if t.get("daily_quota") is None else float(t["daily_quota"]) for t in tiers]
    shares = [float(t.get("share", 0)) for t in tiers[1:]]
    conversion = draw(scenario.get("conversion_rate", 0), 0, 1)
    acq = scenario.get("acquisition", {})
    market = float(acq["market_size"]) if "market_size" in acq else math.inf
    cac = draw(acq.get("cac", math.inf))
    referral = draw(acq.get("referral_rate", 0), 0, 1)
    wl_conversion = draw(acq.get("waitlist_conversion", 0), 0, 1)
    wl_joins = float(acq.get("waitlist_joins", 0))
    activation = draw(acq.get("activation_rate", 1), 0, 1)
    usage = scenario.get("usage", {})
    u = lambda key, default=0.0: draw(usage.get(key, default))
    us = lambda key: size(usage.get(key, 0))
    stickiness, epm, epu = u("stickiness"), u("events_per_message"), u("events_per_user")
    bpm, bpe, bpa, base_db = us("bytes_per_message"), us("bytes_per_event"), us("bytes_per_account"), us("base_db_bytes")
    spa, egm, egu = us("storage_per_account"), us("egress_per_message"), us("egress_per_user")
    peak, cpm = u("peak_concurrency"), u("cost_per_message")
    archive_after = usage.get("archive_after_months")
    archive_to = usage.get("archive_to", "database")
    pay = scenario.get("payments", {})
    pct, fixed = float(pay.get("percent", 0)), float(pay.get("fixed", 0))
    phases = scenario.get("phases", [])
    marketing = {int(e["phase"]): float(e["spend"]) for e in scenario.get("marketing", [])}
    spend_of_phase = np.array([marketing[max([k for k in marketing if k <= p], default=-1)] if any(k <= p for k in marketing) else 0.0
                               for p in range(max(len(phases), 1))])
    supabase = scenario["infrastructure"]["supabase"]
    if supabase.get("policy", "thresholds") != "thresholds":
        raise SystemExit("the peer implements the thresholds policy only")
    plans = supabase["plans"]
    max_users = np.array([float(p.get("max_users", math.inf)) for p in plans])
    cash_node = scenario.get("cash", {})
    floor = float(cash_node.get("floor", 0))
    funding = scenario.get("funding", []) or []

    metrics = {}   # name -> (H+1, runs) array
    def record(name, t, value):
        if name not in metrics:
            metrics[name] = np.empty((H + 1, runs))
        metrics[name][t] = value

    events = {}    # key -> first month (H+1 = never)
    def event(key, t, happened):
        months = events.setdefault(key, np.full(runs, H + 1, dtype=np.int64))
        months[(months > H) & happened] = t

    U = np.array([np.full(runs, int(scenario.get("users", {}).get(t["name"], 0)), dtype=np.int64) for t in tiers])
    W = np.full(runs, int(scenario.get("users", {}).get("waitlist", 0)), dtype=np.int64)
    N = U.sum(axis=0)
    C = N.copy()
    E = N.copy()
    data_history = np.zeros((H + 1, runs))
    cumulative_data = np.zeros(runs)
    phase = np.zeros(runs, dtype=np.int64)
    plan = np.zeros(runs, dtype=np.int64)
    cash = np.full(runs, float(cash_node.get("initial", 0)))
    received = [np.zeros(runs, dtype=bool) for _ in funding]
    burn_history = np.zeros((H + 1, runs))
    zero = np.zeros(runs)
    for t in range(H + 1):
        if t == 0:
            signups = activated = conversions = zero
            churned = [zero] * T
            paid_churn = zero
        else:
            spend = spend_of_phase[phase]
            s = np.maximum(0.0, 1 - C / market)
            arrivals = rng.poisson(spend / cac * s + referral * N * s)
            from_waitlist = rng.binomial(W, wl_conversion)
            signups = arrivals + from_waitlist
            W = W - from_waitlist + (wl_joins if expected else round(wl_joins))
            C = C + signups
            activated = rng.binomial(signups, activation)
            E = E + activated
            churned = [rng.binomial(U[i], churn[i]) for i in range(T)]
            retained = [U[i] - churned[i] for i in range(T)]
            conversions = rng.binomial(retained[0], conversion)
            previous_paid = U[1:].sum(axis=0)
            left, rest = conversions, 1.0
            split = []
            for j, share in enumerate(shares):
                if j == len(shares) - 1:
                    part = left
                else:
                    part = rng.binomial(left, min(1.0, share / rest) if rest > 0 else 0.0)
                    left, rest = left - part, rest - share
                split.append(part)
            U = np.array([retained[0] - conversions + activated] + [retained[j + 1] + split[j] for j in range(T - 1)])
            paid_churn = np.divide(sum(churned[1:]), previous_paid, out=np.zeros(runs), where=previous_paid > 0)
        N = U.sum(axis=0)
        paid = U[1:].sum(axis=0)
        dau = N * stickiness
        mpd = sum(U[i] * stickiness * np.minimum(mpad[i], quota[i]) for i in range(T))
        messages = mpd * DAYS_PER_MONTH if t > 0 else zero
        n_events = messages * epm + N * epu if t > 0 else zero
        data = messages * bpm + n_events * bpe
        data_history[t] = data
        cumulative_data = cumulative_data + data
        if archive_after is None:
            live, archived = cumulative_data, zero
        else:
            first_live = max(1, t - int(archive_after) + 1)
            live = data_history[first_live:t + 1].sum(axis=0)
            archived = cumulative_data - live
        db = base_db + C * bpa + live + (archived if archive_to == "database" else 0)
        storage = E * spa + (archived if archive_to == "storage" else 0)
        egress = messages * egm + N * egu if t > 0 else zero
        concurrent = dau * peak
        mrr = (U * price[:, None]).sum(axis=0)
        fees = (U[1:] * (price[1:, None] * pct + fixed)).sum(axis=0) if t > 0 else zero
        m = Month()
        m.t, m.users, m.dau, m.mpd, m.paid, m.mrr, m.concurrent = t, N, dau, mpd, paid, mrr, concurrent
        m.churn, m.db, m.cash = paid_churn, db, cash
        m.phase = phase
        reached = phase.copy()
        for p in range(1, len(phases)):
            reached = np.where(holds(phases[p].get("when"), m), p, reached)
        phase = np.maximum(phase, reached)
        m.phase = phase
        for p in range(len(phases)):
            event(f"phase:{p}", t, phase >= p)
        # thresholds (§5): the first plan whose max_users is above N (validation keeps them increasing)
        chosen = np.searchsorted(max_users, N, side="right")
        plan = np.maximum(plan, np.minimum(chosen, len(plans) - 1))
        for k, p in enumerate(plans[1:], start=1):
            event(f"plan:{p['name']}", t, plan >= k)
        usage_of = {"db": db, "egress": egress, "storage": storage, "mau": N}
        supabase_cost = zero.copy()
        for k, p in enumerate(plans):
            included = {key: (size(v) if key != "mau" else float(v)) for key, v in (p.get("included") or {}).items()}
            if p.get("hard_limits"):
                for resource, used in usage_of.items():
                    event(f"breach:{p['name']}:{resource}", t, used > included.get(resource, 0))
            if t == 0:
                continue
            cost = float(p.get("price", 0))
            overage = p.get("overage") or {}
            for resource, rate_key in (("db", "db_per_gb"), ("egress", "egress_per_gb"), ("storage", "storage_per_gb")):
                cost = cost + np.maximum(0, usage_of[resource] - included.get(resource, 0)) / 1e9 * float(overage.get(rate_key, 0))
            cost = cost + np.maximum(0, N - included.get("mau", 0)) * float(overage.get("per_mau", 0))
            supabase_cost = np.where(plan == k, cost, supabase_cost)
        if t > 0:
            services = sum(np.where(holds(s.get("when"), m), float(s.get("monthly", 0)) + float(s.get("per_user", 0)) * N, 0.0)
                           for s in scenario["infrastructure"].get("services", []))
            team = zero
            for role in scenario.get("team", []):
                count = zero
                for step in role.get("headcount", []):
                    count = np.where(holds(step.get("when"), m), float(step["count"]), count)
                team = team + count * float(role.get("monthly_cost", 0))
            compliance = sum(np.where(holds(c.get("when"), m), float(c["annual"]) / 12, 0.0) for c in scenario.get("compliance", []))
            marketing_cost = spend
            variable = messages * cpm
        else:
            services = team = compliance = marketing_cost = variable = zero
        infra = supabase_cost + services
        total = infra + team + compliance + marketing_cost + variable + fees
        cash_before = cash + mrr - total if t > 0 else cash
        m.cash = cash_before
        funded = zero
        if t > 0:
            for k, round_ in enumerate(funding):
                now = ~received[k] & holds(round_.get("when"), m)
                received[k] |= now
                funded = funded + np.where(now, float(round_["amount"]), 0.0)
                event(f"funding:{round_['name']}", t, now)
        cash = cash_before + funded
        for milestone in scenario.get("milestones", []):
            event(f"milestone:{milestone['name']}", t, holds(milestone.get("when"), m))
        event("cash_below_floor", t, cash < floor)
        net_burn = total - mrr if t > 0 else zero
        burn_history[t] = net_burn
        mean_burn = burn_history[max(1, t - 2):t + 1].mean(axis=0) if t > 0 else zero
        with np.errstate(divide="ignore", invalid="ignore"):
            runway = np.where(mean_burn > 0, np.maximum(cash, 0) / mean_burn, np.nan) if t > 0 else np.full(runs, np.nan)
            margin = np.where(mrr > 0, (mrr - infra - variable - fees) / mrr, np.nan)
            per_user = np.where(N > 0, infra / N, np.nan)
            if t >= 3:
                growth = 12 * (mrr - metrics["mrr_usd"][t - 3])
                burned = burn_history[t - 2:t + 1].sum(axis=0)
                burn_multiple = np.where((growth > 0) & (burned > 0), burned / growth, np.nan)
            else:
                burn_multiple = np.full(runs, np.nan)
        for name, value in (("users_total", N), ("paid_users", paid), ("waitlist", W), ("signups", signups),
                            ("activated", activated), ("churned", sum(churned)), ("conversions", conversions),
                            ("dau", dau), ("messages_per_day", mpd), ("messages", messages), ("events", n_events),
                            ("db_bytes", db), ("storage_bytes", storage), ("egress_bytes", egress),
                            ("concurrent", concurrent), ("mrr_usd", mrr), ("payment_fees_usd", fees),
                            ("supabase_usd", supabase_cost), ("services_usd", services), ("infra_usd", infra),
                            ("team_usd", team), ("compliance_usd", compliance), ("marketing_usd", marketing_cost),
                            ("variable_usd", variable), ("total_cost_usd", total), ("funding_usd", funded),
                            ("cash_usd", cash), ("net_burn_usd", net_burn), ("runway_months", runway),
                            ("burn_multiple", burn_multiple), ("gross_margin", margin), ("cost_per_user_usd", per_user),
                            ("phase", phase)):
            record(name, t, value)
        for i, tier in enumerate(tiers):
            record(f"users_{tier['name']}", t, U[i])
    return H, metrics, events, floor, float(cash_node.get("raise_lead_months", 6))


def summarise(H, metrics, events, floor, lead, runs):
    bands = {}
    for name, values in metrics.items():
        if np.isnan(values).any():   # undefined cells (§ conventions) are left out of the month's band
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)   # a month undefined in every run: NaN
                q, mean = np.nanpercentile(values, QUANTILES, axis=1), np.nanmean(values, axis=1)
        else:
            q, mean = np.percentile(values, QUANTILES, axis=1), values.mean(axis=1)
        bands[name] = {"mean": mean.tolist(), **{f"p{p}": q[k].tolist() for k, p in enumerate(QUANTILES)}}
    event_table = {}
    for key, months in events.items():
        happened = months[months <= H]
        event_table[key] = {"share": len(happened) / runs,
                            "months": np.percentile(happened, QUANTILES).tolist() if len(happened) else None}
    cash = metrics["cash_usd"]
    below = cash < floor
    cash_out = np.where(below.any(axis=0), below.argmax(axis=0), H + 1)
    mrr, total = metrics["mrr_usd"], metrics["total_cost_usd"]
    losing = (mrr < total)[1:]
    last_loss = np.where(losing.any(axis=0), H - np.argmax(losing[::-1], axis=0), 0)
    break_even = np.where(last_loss < H, last_loss + 1, H + 1)
    required = np.maximum(0, floor - cash.min(axis=0))
    funding = {
        "cash_below_floor_by_year": [float((cash_out <= 12 * y).mean()) for y in range(1, H // 12 + 1)],
        "cash_out_share": float((cash_out <= H).mean()),
        "break_even_share": float((break_even <= H).mean()),
        "raise_by_month_p50": float(np.median(np.maximum(0, cash_out[cash_out <= H] - lead))) if (cash_out <= H).any() else None,
        "raise_for_90_percent_usd": float(np.sort(required)[math.ceil(0.9 * runs) - 1]),
    }
    return {"bands": bands, "events": event_table, "funding": funding}


def main():
    arguments = [a for a in sys.argv[1:] if a not in ("--json", "--expected")]
    if len(arguments) != 3:
        raise SystemExit(__doc__.strip().splitlines()[-1])
    path, runs, seed = arguments[0], int(arguments[1]), int(arguments[2])
    with open(path) as file:
        scenario = yaml.safe_load(file)
    if "extends" in scenario:
        raise SystemExit("the peer reads one scenario file without extends")
    started = time.perf_counter()
    H, metrics, events, floor, lead = simulate(scenario, runs, seed, expected="--expected" in sys.argv)
    summary = summarise(H, metrics, events, floor, lead, runs)
    elapsed = time.perf_counter() - started
    if "--json" in sys.argv:
        json.dump(summary, sys.stdout)
        return
    bands = summary["bands"]
    print(f"numpy peer: {runs} runs x {H} months in {elapsed:.3f} s (excluding start-up and YAML)")
    for name in ("users_total", "mrr_usd", "total_cost_usd", "cash_usd"):
        print(f"{name} at month {H}: P50 {bands[name]['p50'][H]:.6g} (P5 {bands[name]['p5'][H]:.6g}, P95 {bands[name]['p95'][H]:.6g})")
    print(f"cash below floor within horizon: {summary['funding']['cash_out_share']:.3f}")


if __name__ == "__main__":
    main()
