#!/usr/bin/env python3
"""The M/M/1 baseline of bench/engine.ts, in SimPy 3.

One Poisson source (rate lam per virtual second) creates exactly `messages` customers; each waits for a
simpy.Resource of capacity 1 and holds it for an exponential service time (rate mu per virtual second).
Time is in virtual milliseconds, as in Messaging Studio. The run ends when every customer has been served.

Prints one line: RESULT {"messages_per_second": <median>, ...} (JSON), which bench/engine.ts parses.
Exit code 3 with a SKIP line when simpy cannot be imported.
"""
import argparse
import json
import platform
import random
import statistics
import sys
import time

try:
    import simpy
except ImportError as err:  # pragma: no cover - depends on the machine
    print(f"SKIP simpy is not importable by {sys.executable}: {err}")
    sys.exit(3)


def run_once(messages: int, lam: float, mu: float, seed: int):
    """Simulates `messages` customers; returns (wall seconds, mean time in system in ms, events)."""
    env = simpy.Environment()
    server = simpy.Resource(env, capacity=1)
    rng = random.Random(seed)
    mean_gap = 1000.0 / lam
    mean_service = 1000.0 / mu
    stats = {"done": 0, "total": 0.0}

    def customer(env):
        arrived = env.now
        with server.request() as req:
            yield req
            yield env.timeout(rng.expovariate(1.0 / mean_service))
        stats["done"] += 1
        stats["total"] += env.now - arrived

    def source(env):
        for _ in range(messages):
            yield env.timeout(rng.expovariate(1.0 / mean_gap))
            env.process(customer(env))

    env.process(source(env))
    start = time.perf_counter()
    env.run()
    elapsed = time.perf_counter() - start
    assert stats["done"] == messages, stats
    return elapsed, stats["total"] / messages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--lam", type=float, default=80.0, help="arrivals per virtual second")
    parser.add_argument("--mu", type=float, default=100.0, help="services per virtual second")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    run_once(min(5_000, args.messages), args.lam, args.mu, args.seed)  # warm-up
    rates = []
    latencies = []
    for i in range(args.repeat):
        elapsed, latency = run_once(args.messages, args.lam, args.mu, args.seed + i)
        rates.append(args.messages / elapsed)
        latencies.append(latency)
    print(
        "RESULT "
        + json.dumps(
            {
                "messages_per_second": statistics.median(rates),
                "runs": rates,
                "mean_latency_ms": statistics.mean(latencies),
                "messages": args.messages,
                "simpy": simpy.__version__,
                "python": platform.python_version(),
            }
        )
    )


if __name__ == "__main__":
    main()
