"""``python -m markwatch.demo_market --port 8800``: serve the demo marketplace in the foreground."""

from __future__ import annotations

import argparse
from pathlib import Path

from markwatch.demo_market.rights import write_marks_csv
from markwatch.demo_market.server import DemoMarket


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m markwatch.demo_market", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8800)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--size", type=int, default=2000, help="number of product pages")
    parser.add_argument("--slow-seconds", type=float, default=2.0)
    parser.add_argument("--ground-truth", type=Path, help="write ground_truth.jsonl here")
    parser.add_argument("--marks-csv", type=Path, help="write the demo rights database (marks CSV) here")
    args = parser.parse_args(argv)
    market = DemoMarket(args.host, args.port, seed=args.seed, size=args.size, slow_seconds=args.slow_seconds)
    if args.marks_csv:
        write_marks_csv(args.marks_csv, market.catalogue.reference_prices)
    if args.ground_truth:
        market.write_ground_truth(args.ground_truth)
    print(f"demo market at {market.base_url} ({len(market.catalogue.products)} product pages)", flush=True)
    market.serve_forever()


if __name__ == "__main__":
    main()
