"""The team's labelled data (../shared/data) as Stagedoor sees it: label maps, deduplication, writer splits.

Training builds the shipped models from it; evaluation uses the same split to keep trained rows out.
"""
