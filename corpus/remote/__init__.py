"""Inputs and outputs beyond the local disk: files over HTTP(S) as a Beam file system,
the checks that a path's file system can be used before a run starts, and Common Crawl
inputs named by their crawl."""
