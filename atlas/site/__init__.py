"""Generation: pages, tables, downloads, the feed and the CSP, rendered from the data; plus the build's helpers."""
