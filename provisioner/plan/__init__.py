"""Plan: Action, Change, Plan, the differ, the plan file and its staleness check."""
