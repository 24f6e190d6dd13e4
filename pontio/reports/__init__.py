"""Reports on the use of Pontio: file volumes, LA clusters, lost pupils, messages."""
