#!/usr/bin/env python3
"""Prints one line for all test projects: 'N passed, N failed, N skipped' (+ skip reasons)."""
import glob, sys, xml.etree.ElementTree as ET

ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
reasons = {}
for path in glob.glob(f"{sys.argv[1]}/**/*.trx", recursive=True):
    root = ET.parse(path).getroot()
    for result in root.iterfind(".//t:UnitTestResult", ns):
        outcome = result.get("outcome")
        if outcome == "Passed":
            passed += 1
        elif outcome in ("NotExecuted", "Skipped"):
            skipped += 1
            text = result.findtext(".//t:Output/t:StdOut", default="", namespaces=ns) or result.findtext(".//t:Message", default="", namespaces=ns) or "no reason given"
            reasons[text.strip()[:200]] = reasons.get(text.strip()[:200], 0) + 1
        else:
            failed += 1
for reason, count in reasons.items():
    print(f"skipped {count}: {reason}")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
