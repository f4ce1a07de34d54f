"""Statistics reports of a run's outputs: `report.json`, `report.html` and `report.md`.

`write_report(run_directory)` (`corpus report`, and the end of every `corpus run`) reads what
the stages wrote, never the inputs again; see `collect` for what it computes and how it
scales.
"""
