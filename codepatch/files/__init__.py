"""Files and their text: discovery of a project's Python files, reading and parsing one, the one
text reader that keeps encoding and line endings, the one atomic writer, sealed cache files,
codepatch's own temporary folders."""
