#!/usr/bin/env python3
"""Checks SARIF files against GitHub code scanning's ingestion rules, beyond the 2.1.0 schema:
the hard limits that make an upload be rejected (runs, results, rules, locations, thread flow
locations, tags, gzip size), what code scanning needs of each result to show it (a rule it names,
message text, a physical location with a file and a start line, fingerprints), and a declared
base for every uriBaseId (a relative URI without one is taken from the repository root, which
GitHub recommends). Source: docs.github.com, "SARIF support for code scanning" and "SARIF
results exceed one or more limits". Usage: sarif_github_rules.py FILE...; exit 1 naming each problem.
"""
import gzip
import json
import sys

LIMITS = {"runs": 20, "results": 25000, "rules": 25000, "extensions": 100,
          "thread_flow_locations": 10000, "locations": 1000, "tags": 20}
MAX_GZIP_BYTES = 10 * 1024 * 1024
LEVELS = {"error", "warning", "note", "none"}


def problems_of(path):
    raw = open(path, "rb").read()
    problems = []
    if len(gzip.compress(raw)) > MAX_GZIP_BYTES:
        problems.append("gzip-compressed size over 10 MB")
    doc = json.loads(raw)
    if doc.get("version") != "2.1.0":
        problems.append("version is not 2.1.0")
    runs = doc.get("runs", [])
    if not runs or len(runs) > LIMITS["runs"]:
        problems.append(f"{len(runs)} runs (1 to {LIMITS['runs']})")
    for r, run in enumerate(runs):
        driver = run.get("tool", {}).get("driver", {})
        if not driver.get("name"):
            problems.append(f"run {r}: tool.driver.name missing")
        rules = driver.get("rules", [])
        if len(rules) > LIMITS["rules"]:
            problems.append(f"run {r}: {len(rules)} rules")
        if len(run.get("tool", {}).get("extensions", [])) > LIMITS["extensions"]:
            problems.append(f"run {r}: too many tool extensions")
        ids = [rule.get("id") for rule in rules]
        for rule in rules:
            if len(rule.get("properties", {}).get("tags", [])) > LIMITS["tags"]:
                problems.append(f"rule {rule.get('id')}: more than {LIMITS['tags']} tags")
            if not rule.get("shortDescription", {}).get("text") or not rule.get("help", {}).get("text"):
                problems.append(f"rule {rule.get('id')}: shortDescription and help text are what code scanning shows")
        bases = run.get("originalUriBaseIds", {})
        results = run.get("results", [])
        if len(results) > LIMITS["results"]:
            problems.append(f"run {r}: {len(results)} results (code scanning rejects more than {LIMITS['results']})")
        for i, result in enumerate(results):
            where = f"run {r} result {i}"
            rule_id = result.get("ruleId")
            if rule_id not in ids:
                problems.append(f"{where}: ruleId {rule_id!r} is not a rule of the run")
            elif "ruleIndex" in result and ids[result["ruleIndex"]] != rule_id:
                problems.append(f"{where}: ruleIndex does not point at {rule_id}")
            if result.get("level", "warning") not in LEVELS:
                problems.append(f"{where}: level {result.get('level')!r}")
            if not result.get("message", {}).get("text"):
                problems.append(f"{where}: no message text")
            if not result.get("partialFingerprints"):
                problems.append(f"{where}: no partialFingerprints (alerts would not be tracked across runs)")
            locations = result.get("locations", [])
            if not 1 <= len(locations) <= LIMITS["locations"]:
                problems.append(f"{where}: {len(locations)} locations (1 to {LIMITS['locations']})")
            flow_locations = []
            for flow in result.get("codeFlows", []):
                for thread_flow in flow.get("threadFlows", []):
                    flow_locations += [step.get("location", {}) for step in thread_flow.get("locations", [])]
            if len(flow_locations) > LIMITS["thread_flow_locations"]:
                problems.append(f"{where}: {len(flow_locations)} thread flow locations")
            for location in locations + flow_locations:
                physical = location.get("physicalLocation")
                if not physical:
                    continue  # a step without a place (only a message) is allowed in a flow
                artifact = physical.get("artifactLocation", {})
                uri = artifact.get("uri", "")
                if not uri:
                    problems.append(f"{where}: a location without an artifact uri")
                base = artifact.get("uriBaseId")
                if base is not None and base not in bases:
                    problems.append(f"{where}: uriBaseId {base} is not declared in originalUriBaseIds")
                if physical.get("region", {}).get("startLine", 1) < 1:
                    problems.append(f"{where}: startLine below 1")
    return problems


def main():
    failed = False
    for path in sys.argv[1:]:
        problems = problems_of(path)
        for p in problems[:20]:
            print(f"{path}: {p}")
        if len(problems) > 20:
            print(f"{path}: ... {len(problems) - 20} more")
        failed |= bool(problems)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
