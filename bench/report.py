"""Write results.json and the Markdown table (results.md) from the driver's results."""

import json
from pathlib import Path


def write(results: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (out / "results.md").write_text(markdown(results))


def verdict(row: dict) -> str:
    if not row["available"]:
        return "n/a"
    return "✅" if row["meets_target"] else "❌ missed"


def markdown(results: dict) -> str:
    meta = results["meta"]
    lines = [
        "# Benchmark results",
        "",
        f"Measured {meta['when']} at scale {meta.get('scale') or '?'} (seed {meta.get('seed') or '?'}), "
        f"{meta['requests_per_scenario']} requests per scenario at concurrency {meta['concurrency']}, "
        f"{meta['cpu_count']} CPUs, load average before the run {meta['load_average'][0]:.2f} "
        "(the machine is shared: numbers are indicative). *alone p50*: the same requests from one client "
        "(no queueing for the 2 cores); *load 1m*: the load average when the scenario started (it "
        "includes the benchmark's own processes).",
        "",
        "| scenario | persona | p50 ms | p95 ms | p99 ms | req/s | errors | queries/req | target p95 | "
        "| alone p50 ms | load 1m |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for row in results["scenarios"]:
        if not row["available"]:
            lines.append(f"| {row['name']} | {row['persona']} | | | | | | | {row['target_ms']:g} | "
                         f"not available: {row['reason']} | | |")
            continue
        errors = row["errors"] if not row["errors"] else f"{row['errors']} {row['status_codes']}"
        lines.append(f"| {row['name']} | {row['persona']} | {row['p50_ms']} | {row['p95_ms']} | "
                     f"{row['p99_ms']} | {row['rps']} | {errors} | {row.get('queries_per_request', '')} | "
                     f"{row['target_ms']:g} | {verdict(row)} | {row.get('alone_p50_ms', '')} | "
                     f"{row.get('load_average_1m', '')} |")
    if results.get("workers"):
        lines += ["", "Gunicorn workers after the run (target ≤ 200 MB RSS): " + ", ".join(
            f"pid {w['pid']}: {w['rss_mb']} MB (peak {w['peak_rss_mb']} MB)" for w in results["workers"])]
    if results.get("login_failures"):
        lines += ["", f"Login failures: {results['login_failures']}"]
    if meta.get("generate_seconds") is not None:
        lines += ["", f"generate_scale_data took {meta['generate_seconds']} s."]
    return "\n".join(lines) + "\n"
