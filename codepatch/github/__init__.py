"""Posting codepatch's validated fixes to a GitHub pull request as one review with suggestions."""
