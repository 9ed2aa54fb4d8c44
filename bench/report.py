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


def cpu_cell(row: dict) -> str:
    """Worker CPU per request, with its verdict where the issue sets a CPU target."""
    cpu = row.get("cpu_ms_per_request")
    if cpu is None:
        return ""
    text = f"{cpu}"
    if row.get("cpu_scope"):
        text += " (whole mixed run)"
    if row.get("meets_cpu_target") is not None:
        text += f" {'✅' if row['meets_cpu_target'] else '❌'} ≤ {row['cpu_target_ms']:g}"
    return text


def _blank(value) -> str:
    return "" if value is None else f"{value}"


def memory_lines(results: dict, phase: str) -> list[str]:
    """Gunicorn worker memory (target ≤ 200 MB RSS): after the logins and after the phase."""
    if not results.get("workers"):
        return []
    lines = ["", f"Gunicorn worker memory, {phase} phase (target ≤ 200 MB RSS; *PSS* shares each page "
                 "mapped by several processes among them, *USS* counts the worker's own pages):", "",
             "| worker | RSS MB after the logins | RSS MB after the run | peak RSS MB | PSS MB | USS MB |",
             "|---|---:|---:|---:|---:|---:|"]
    start = {w["pid"]: w for w in results.get("workers_at_start", [])}
    for w in results["workers"]:
        lines.append(f"| pid {w['pid']} | {start.get(w['pid'], {}).get('rss_mb', '')} | {w['rss_mb']} | "
                     f"{w['peak_rss_mb']} | {w.get('pss_mb', '')} | {w.get('uss_mb', '')} |")
    return lines


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
        "includes the benchmark's own processes); *worker CPU ms/req*: user + system CPU time of the "
        "gunicorn workers during the measured requests, per request (robust on a loaded machine), "
        "with the issue's CPU target where it sets one; *database CPU ms/req*: the same for every process "
        "of the local PostgreSQL server (statement planning and execution; background work such as "
        "autovacuum counts too, so it is an upper bound); *driver CPU ms/req*: the load driver's own, "
        "spent on the same 2 cores.",
    ]
    if meta.get("equal_data"):
        lines += ["", f"Edition being evaluated (equal data, issue 18): {meta['equal_data']}. *cold* rows: "
                      "a second gunicorn started with `EVALUATION_RESULTS_CACHE=0` (no results or "
                      "rendered-table cache); *mixed*: experts save sheets while the chair reloads the "
                      "dashboard (cache on, invalidated by every save)."]
    lines += [
        "",
        "| scenario | persona | p50 ms | p95 ms | p99 ms | req/s | errors | queries/req | target p95 | "
        "| alone p50 ms | worker CPU ms/req | database CPU ms/req | driver CPU ms/req | load 1m |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---:|---:|---:|",
    ]
    for row in results["scenarios"]:
        if not row["available"]:
            lines.append(f"| {row['name']} | {row['persona']} | | | | | | | {row['target_ms']:g} | "
                         f"not available: {row['reason']} | | | | | |")
            continue
        errors = row["errors"] if not row["errors"] else f"{row['errors']} {row['status_codes']}"
        queries = row.get("queries_per_request")
        lines.append(f"| {row['name']} | {row['persona']} | {row['p50_ms']} | {row['p95_ms']} | "
                     f"{row['p99_ms']} | {row['rps']} | {errors} | {'' if queries is None else queries} | "
                     f"{row['target_ms']:g} | {verdict(row)} | {row.get('alone_p50_ms', '')} | "
                     f"{cpu_cell(row)} | {_blank(row.get('db_cpu_ms_per_request'))} | "
                     f"{_blank(row.get('driver_cpu_ms_per_request'))} | {row.get('load_average_1m', '')} |")
    mixed = [row for row in results["scenarios"] if row.get("after_a_save_share") is not None]
    for row in mixed:
        lines += ["", f"Mixed run: {row['after_a_save_share']:.0%} of the chair's dashboard requests came "
                      "after a save had changed the results since the previous one (cache invalidated)."]
    lines += memory_lines(results, "warm")
    for phase, info in results.get("phases", {}).items():
        lines += ["", f"Phase *{phase}*: started {info['meta']['when']}, load average "
                      f"{info['meta']['load_average'][0]:.2f} before, "
                      f"{info['meta'].get('load_average_after', [0])[0]:.2f} after."]
        lines += memory_lines(info, phase)
    if results.get("login_failures"):
        lines += ["", f"Login failures: {results['login_failures']}"]
    if meta.get("load_average_after"):
        lines += ["", f"Load average after the warm phase: "
                      f"{' / '.join(f'{x:.2f}' for x in meta['load_average_after'])} (1 / 5 / 15 min)."]
    if meta.get("generate_seconds") is not None:
        lines += ["", f"generate_scale_data took {meta['generate_seconds']} s"
                      + (f" (with {meta['equal_data_options']})." if meta.get("equal_data_options") else ".")]
    return "\n".join(lines) + "\n"
