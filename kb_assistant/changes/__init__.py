"""Policy changes: release diffs, change notices, wording review, the publish gate."""
